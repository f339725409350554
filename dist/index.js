import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
process.env.RUNNER_DEBUG==="1"&&process.setSourceMapsEnabled(!0);var{firstReadsWritten:t,startFirstReads:a}=await import("./first-reads-OQHKHRUT.js");await a(process.env);await t();var{run:s}=await import("./main-2CYKVBDT.js");await s();
//# sourceMappingURL=index.js.map
