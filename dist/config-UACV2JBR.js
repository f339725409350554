import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-DXGFATVW.js";import"./chunk-RSBYRK2T.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-UACV2JBR.js.map
