/**
 * Structure-aware mutations of real alert payloads for the fuzz proof: drop a key,
 * change a value's type, enlarge a string, put awkward unicode in, nest deeply, or
 * break the JSON text itself. Seeded, so a failure can be replayed by its number.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const AWKWARD = ["\u0000", "\uD800", "\u202E", "👾🔥", "ǅ", "\u200B", "\n\r\t", "%s%n", "<script>", "`".repeat(12), "@everyone", "#1"];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** Every [container, key] pair in the value, so one can be picked to mutate. */
function slots(value: Json, out: [Json[] | Record<string, Json>, string | number][] = [], depth = 0): typeof out {
  if (depth > 40 || value === null || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    value.forEach((child, i) => {
      out.push([value, i]);
      slots(child, out, depth + 1);
    });
  } else {
    for (const [key, child] of Object.entries(value)) {
      out.push([value, key]);
      slots(child, out, depth + 1);
    }
  }
  return out;
}

function retype(rand: () => number, value: Json): Json {
  const choices: Json[] = [null, 0, -1, 1e308, true, "", "x", [], {}, [value], { value }];
  return pick(rand, choices);
}

/** Applies 1–4 mutations to a deep copy of `payload`; returns the body text to send. */
export function mutate(payload: Json, rand: () => number): string {
  const copy = structuredClone(payload);
  let root: Json = copy;
  let deep = 0;
  const count = 1 + Math.floor(rand() * 4);
  for (let n = 0; n < count; n++) {
    const all = slots(root);
    const op = Math.floor(rand() * 7);
    if (all.length === 0 || op === 6) {
      // Very deep nesting goes into the text, as JSON.stringify itself would overflow on it.
      if (op === 6 && rand() < 0.5) deep = 1_000 + Math.floor(rand() * 20_000);
      else root = retype(rand, root);
      continue;
    }
    const [container, key] = pick(rand, all);
    const current = (container as Record<string | number, Json>)[key] as Json;
    const set = (v: Json) => {
      (container as Record<string | number, Json>)[key] = v;
    };
    switch (op) {
      case 0:
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key as string];
        break;
      case 1:
        set(retype(rand, current));
        break;
      case 2:
        // Up to ~3 MB, past the App's body limit now and then.
        set(
          typeof current === "string" && current.length > 0
            ? current.repeat(1 + Math.floor((rand() * 3_000_000) / current.length))
            : "A".repeat(Math.floor(rand() * 300_000)),
        );
        break;
      case 3:
        set(`${typeof current === "string" ? current : ""}${pick(rand, AWKWARD)}${pick(rand, AWKWARD)}`);
        break;
      case 4:
        set(nest(current, 20 + Math.floor(rand() * 200)));
        break;
      case 5:
        set(Array.isArray(current) ? [...current, ...current, ...current] : [current, current]);
        break;
    }
  }
  const text = `${"[".repeat(deep)}${JSON.stringify(root)}${"]".repeat(deep)}`;
  // Sometimes the text itself is broken: cut short, or a stray byte.
  const r = rand();
  if (r < 0.05) return text.slice(0, Math.floor(rand() * text.length));
  if (r < 0.08) return `${text}}`;
  return text;
}

function nest(value: Json, depth: number): Json {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
