import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-3NS2JMXI.js";import"./chunk-M6B4WTUS.js";import"./chunk-GPWLAN4X.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-LXT4LNV3.js.map
