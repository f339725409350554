import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-K5W7FYRM.js";import"./chunk-SJ7MBAQD.js";import"./chunk-6S5X7G2G.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-WIWHRT77.js.map
