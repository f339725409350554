import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-Y7BORGD7.js";import"./chunk-MNQCUFNH.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-PNIFUDPD.js.map
