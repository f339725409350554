import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
process.env.RUNNER_DEBUG==="1"&&process.setSourceMapsEnabled(!0);var{run:e}=await import("./main-3M6AMWXS.js");await e();
//# sourceMappingURL=index.js.map
