import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{k as a,l as b,m as c,n as d,o as e,p as f,q as g,r as h,s as i}from"./chunk-7JQO3HB5.js";import"./chunk-GPWLAN4X.js";import"./chunk-XRXJBXTO.js";export{a as FILES_PER_PAGE,b as FILE_PAGES_IN_FLIGHT,d as configAndIssuesQuery,f as dropFirstReads,c as expectedFilePages,g as firstReadsWritten,i as startFirstReads,e as takeFirstRead,h as withFirstReads};
//# sourceMappingURL=first-reads-6YNSGTCE.js.map
