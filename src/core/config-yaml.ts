import deepmerge from "deepmerge";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { HotfixConfig, invalidConfig, type ConfigProblem, type ConfigResult } from "./config.js";
import { issueProblems } from "./zod-problems.js";

/**
 * The YAML text of `.github/hotfix.yml` into a config: one file, or several merged (`_extends`, the
 * organisation's `.github` repository), every problem located by file, line and column.
 */

/** The text of one config file and the name to report it by. */
export interface ConfigSource {
  name: string;
  text: string;
}

/** Where a key is written: the key of a mapping entry, the item of a list, else the nearest enclosing one that exists. */
function offsetOf(doc: Document, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const key = String(path[depth - 1]);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (isSeq(parent)) {
      const item = parent.items[Number(key)] as { range?: [number, number, number] } | undefined;
      if (item?.range) return item.range[0];
    }
  }
  return doc.contents?.range?.[0];
}

/** The key Probot's config reading follows to another repository's file (`_extends: repo` or `owner/repo:path`). */
export const EXTENDS_KEY = "_extends";

/** `_extends` of a config file, or null; an unparsable file extends nothing (its errors are reported when it is parsed). */
export function extendsOf(text: string): string | null {
  const doc = parseDocument(text);
  const value = doc.errors.length ? undefined : doc.get(EXTENDS_KEY);
  return typeof value === "string" ? value : null;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The files' values merged as Probot merges them (`_extends` dropped), highest priority first in `values`. */
function mergeValues(values: unknown[]): unknown {
  const plain = values.map((value) => {
    if (!isMapping(value)) return value;
    const { [EXTENDS_KEY]: _, ...rest } = value;
    return rest;
  });
  return plain.every(isMapping) ? deepmerge.all([...plain].reverse()) : plain[0];
}

/**
 * What to keep of a repository's config files between reads (the App caches it): their merged value,
 * or the text of the first one that is not YAML, so its errors can be reported when it is used.
 */
export function storedConfigValue(sources: ConfigSource[]): unknown {
  const docs = sources.map((source) => ({ source, doc: parseDocument(source.text) }));
  const broken = docs.find(({ doc }) => doc.errors.length > 0);
  // An empty file is a valid config with every default.
  return broken ? broken.source.text : mergeValues(docs.map(({ doc }) => (doc.toJS() as unknown) ?? {}));
}

/**
 * Parses the YAML of `.github/hotfix.yml`, and of the files it extends when there are any
 * (highest priority first), merged as Probot's `context.config` merges them (deepmerge: mappings
 * merge key by key, lists are joined). YAML and schema errors alike name the key, the line and column.
 */
export function parseConfigSources(sources: ConfigSource[]): ConfigResult {
  const named = sources.length > 1;
  const docs = sources.map((source) => {
    const lineCounter = new LineCounter();
    return { source, lineCounter, doc: parseDocument(source.text, { lineCounter, prettyErrors: true }) };
  });
  const yamlProblems = docs.flatMap(({ source, doc }) =>
    doc.errors.map((e): ConfigProblem => ({
      key: "YAML",
      message: (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ""),
      ...(named ? { file: source.name } : {}),
      ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
    })),
  );
  if (yamlProblems.length > 0) return invalidConfig(yamlProblems);
  const raw = mergeValues(docs.map(({ doc }) => (doc.toJS() as unknown) ?? {}));
  const result = HotfixConfig.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  return invalidConfig(
    issueProblems(result.error.issues, raw).map(({ path, ...problem }) => {
      const found = docs.find(({ doc }) => doc.hasIn(path)) ?? docs[0];
      const offset = found ? offsetOf(found.doc, path) : undefined;
      const pos = found && offset !== undefined ? found.lineCounter.linePos(offset) : undefined;
      return { ...problem, ...(named && found ? { file: found.source.name } : {}), ...(pos ? { line: pos.line, column: pos.col } : {}) };
    }),
  );
}

/** Parses the YAML text of `.github/hotfix.yml`, reporting YAML and schema errors alike. */
export function parseConfigText(text: string): ConfigResult {
  return parseConfigSources([{ name: ".github/hotfix.yml", text }]);
}
