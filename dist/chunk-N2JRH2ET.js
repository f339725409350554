import { createRequire as __hotfixCreateRequire } from 'node:module';
const require = __hotfixCreateRequire(import.meta.url);
var o=/^([\w.-]+)\/([\w.-]+)$/;function g(e,t="repository"){let r=o.exec(e);if(!r)throw new Error(`${t} must be "owner/name", got ${JSON.stringify(e)}`);return{owner:r[1],repo:r[2]}}var i=e=>`${e.owner}/${e.repo}`;var s={sentryToken:"SENTRY_AUTH_TOKEN",sentryOrg:"SENTRY_ORG",sentryUrl:"SENTRY_URL",bugsnagToken:"BUGSNAG_AUTH_TOKEN",bugsnagUrl:"BUGSNAG_API_URL",genericToken:"HOTFIX_API_TOKEN",appUrl:"HOTFIX_APP_URL",repo:null};function R(e){let t={};for(let[r,n]of Object.entries(s))n&&e[n]&&(t[r]=e[n]);return t}export{g as a,i as b,s as c,R as d};
//# sourceMappingURL=chunk-N2JRH2ET.js.map
