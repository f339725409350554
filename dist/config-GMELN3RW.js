import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{a,b}from"./chunk-N7FDUOOK.js";import"./chunk-77RILO2J.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-GMELN3RW.js.map
