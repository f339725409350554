import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
var e={branches:["hotfix/**"],labels:["hotfix"],linkedIssue:!0};export{e as a};
//# sourceMappingURL=chunk-GPWLAN4X.js.map
