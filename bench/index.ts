// Throughput of the pure core on a realistic crash: 30 frames, 50 breadcrumbs, device and OS.
// Run: node build.mjs --lib && node lib/bench.js   (or npm run bench after a build)
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { CrashReport } from "../src/core/crash.js";
import { renderIssue } from "../src/core/render.js";
import { computeSignature } from "../src/core/signature.js";

const vendor = ["react-dom.production.min.js", "scheduler.production.min.js", "redux.js", "axios.js"];
const report = CrashReport.parse({
  provider: "sentry",
  project: "shop-web",
  platform: "javascript",
  release: "shop-web@1.4.2+305",
  environment: "production",
  commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
  url: "https://sentry.io/organizations/acme/issues/4421720/",
  exception: { type: "TypeError", message: "Cannot read properties of undefined (reading 'price') while rendering cart for user 1234", handled: false },
  frames: Array.from({ length: 30 }, (_, i) => {
    const inApp = i >= 22;
    return inApp
      ? {
          file: `webpack:///./src/features/cart/${["CartView", "CartLine", "usePrice", "formatMoney"][i % 4]}.tsx`,
          function: ["renderLine", "CartLine", "usePrice", "formatMoney"][i % 4],
          line: 40 + i,
          column: 13,
          in_app: true,
          context_line: `  const total = line.item.price * line.quantity; // ${i}`,
        }
      : { file: `https://shop.example.com/static/js/${vendor[i % 4]}`, function: `Zu${i}`, line: 2, column: 185853 + i, in_app: false };
  }),
  breadcrumbs: Array.from({ length: 50 }, (_, i) => ({
    timestamp: `2024-06-11T10:00:${String(i).padStart(2, "0")}.123Z`,
    category: ["ui.click", "xhr", "navigation", "console"][i % 4],
    level: i % 7 === 0 ? "warning" : "info",
    message: ["button.checkout[data-test=pay]", "GET https://api.shop.example.com/v2/cart?session=abc123def456 [200]", "/cart -> /checkout", "price missing for sku 8812"][i % 4],
    data: i % 4 === 1 ? { method: "GET", status_code: 200, url: "https://api.shop.example.com/v2/cart" } : undefined,
  })),
  device: { family: "Desktop", model: "MacBookPro18,1", arch: "arm64" },
  os: { name: "macOS", version: "14.5" },
  runtime: { name: "Chrome", version: "125.0.6422.142" },
});
const stats = { events: 1234, users: 321, versions: [{ version: "1.4.2", count: 1200 }, { version: "1.4.1", count: 34 }], firstSeen: "2024-06-10T09:00:00Z", lastSeen: "2024-06-11T10:00:49Z" };
const input = { report, signature: computeSignature(report), stats, repo: "acme/shop-web", links: { ...DEFAULT_CONFIG.links, stripPrefixes: [] } };

function measure(name: string, fn: () => unknown, seconds = 2): number {
  for (let i = 0; i < 2_000; i++) fn(); // warm up the JIT
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    now = performance.now();
  }
  const perSecond = Math.round((n * 1000) / (now - start));
  console.log(`${name.padEnd(22)} ${perSecond.toLocaleString("en-US").padStart(10)} reports/s  (${((now - start) * 1000 / n).toFixed(1)} µs each)`);
  return perSecond;
}

console.log(`hotfix-loop core bench, one core, Node ${process.version}: report with ${report.frames.length} frames, ${report.breadcrumbs.length} breadcrumbs`);
measure("signature", () => computeSignature(report));
measure("render", () => renderIssue(input));
const both = measure("signature + render", () => renderIssue({ ...input, signature: computeSignature(report) }));
const goal = 20_000;
console.log(both >= goal ? `ok: >= ${goal.toLocaleString("en-US")} reports/s` : `below the goal of ${goal.toLocaleString("en-US")} reports/s`);
