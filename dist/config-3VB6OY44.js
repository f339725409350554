import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-RW3ZYYIJ.js";import"./chunk-77RILO2J.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-3VB6OY44.js.map
