import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i}from"./chunk-7UWKDCWK.js";import"./chunk-6S5X7G2G.js";import"./chunk-XRXJBXTO.js";export{a as FILES_PER_PAGE,b as FILE_PAGES_IN_FLIGHT,d as configAndIssuesQuery,f as dropFirstReads,c as expectedFilePages,g as firstReadsWritten,i as startFirstReads,e as takeFirstRead,h as withFirstReads};
//# sourceMappingURL=first-reads-C7GVCRMK.js.map
