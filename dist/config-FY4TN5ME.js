import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
import{a,b}from"./chunk-KULI2UPU.js";import"./chunk-NXAZJLCL.js";import"./chunk-XRXJBXTO.js";export{a as loadCheckConfig,b as loadConfig};
//# sourceMappingURL=config-FY4TN5ME.js.map
