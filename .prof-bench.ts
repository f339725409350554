import { DEFAULT_CONFIG } from "./src/core/config.js";
import { scrubReport } from "./src/core/scrub.js";
import { renderIssue } from "./src/core/render.js";
import { CrashReport } from "./src/core/crash.js";
const report = CrashReport.parse({
  provider: "sentry", release: "shop-web@1.4.2+305", commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
  exception: { type: "TypeError", message: "Cannot read properties of undefined (reading 'price') while rendering cart for user 1234" },
  frames: Array.from({ length: 30 }, (_, i) => ({ file: `webpack:///./src/features/cart/CartView${i}.tsx`, function: "renderLine", line: 40 + i, column: 13, in_app: i > 20, context_line: `  const total = line.item.price * line.quantity; // ${i}` })),
  breadcrumbs: Array.from({ length: 50 }, (_, i) => ({ timestamp: `2024-06-11T10:00:${String(i).padStart(2, "0")}.123Z`, category: "xhr", level: "info", message: "GET https://api.shop.example.com/v2/cart?session=abc123def456 [200]", data: { method: "GET", status_code: 200 } })),
});
const t = (name: string, fn: () => void) => { for (let i = 0; i < 1000; i++) fn(); const s = performance.now(); for (let i = 0; i < 3000; i++) fn(); console.log(name, ((performance.now() - s) / 3000 * 1000).toFixed(1), "µs"); };
t("scrubReport", () => scrubReport(report));
t("render", () => renderIssue({ report, signature: "0123456789abcdef", stats: { events: 1, users: 1, versions: [], firstSeen: "", lastSeen: "" }, repo: "o/r", links: DEFAULT_CONFIG.links }));
