import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{m as a,n as b,o as c,p as d,q as e,r as f,s as g,t as h,u as i}from"./chunk-OJJZKBUI.js";import"./chunk-GPWLAN4X.js";import"./chunk-XRXJBXTO.js";export{a as FILES_PER_PAGE,b as FILE_PAGES_IN_FLIGHT,d as configAndIssuesQuery,f as dropFirstReads,c as expectedFilePages,g as firstReadsWritten,i as startFirstReads,e as takeFirstRead,h as withFirstReads};
//# sourceMappingURL=first-reads-OQHKHRUT.js.map
