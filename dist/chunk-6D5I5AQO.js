import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
var s=/^([\w.-]+)\/([\w.-]+)$/;function i(e,t="repository"){let r=s.exec(e);if(!r)throw new Error(`${t} must be "owner/name", got ${JSON.stringify(e)}`);return{owner:r[1],repo:r[2]}}var p=e=>`${e.owner}/${e.repo}`;var g={sentryToken:"SENTRY_AUTH_TOKEN",sentryOrg:"SENTRY_ORG",sentryUrl:"SENTRY_URL",bugsnagToken:"BUGSNAG_AUTH_TOKEN",bugsnagUrl:"BUGSNAG_API_URL",genericToken:"HOTFIX_API_TOKEN",appUrl:"HOTFIX_APP_URL",repo:null};function a(e){let t={};for(let[r,o]of Object.entries(g)){let n=o?e[o]:void 0;typeof n=="string"&&n!==""&&(t[r]=n)}return t}export{i as a,p as b,g as c,a as d};
//# sourceMappingURL=chunk-6D5I5AQO.js.map
