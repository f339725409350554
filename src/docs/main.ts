import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedFiles } from "./reference.js";

// `npm run docs`: rewrites the generated reference (docs/configuration.md, docs/action-reference.md,
// docs/environment.md, schema/hotfix.schema.json) from the sources that define it.

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const file of generatedFiles((path) => readFileSync(join(root, path), "utf8"))) {
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.text);
  console.log(`wrote ${file.path}`);
}
