/**
 * A pure function of a string (or another scalar) with its answers remembered. Reports of
 * one app repeat the same strings (file paths, function names, breadcrumb categories)
 * across thousands of alerts. Two generations keep memory bounded and the maps small enough to stay in the CPU
 * cache: when the young one is full it becomes the old one, and what is still used moves up.
 */
export function remembered<T, K extends string | number | boolean = string>(
  compute: (key: K) => T,
  generationSize = 1_000,
  longest = 2_000,
): (key: K) => T {
  let young = new Map<K, T>();
  let old = new Map<K, T>();
  return (key) => {
    let out = young.get(key);
    if (out !== undefined) return out;
    out = old.get(key);
    if (out === undefined) out = compute(key);
    if (typeof key !== "string" || key.length <= longest) {
      if (young.size >= generationSize) {
        old = young;
        young = new Map();
      }
      young.set(key, out);
    }
    return out;
  };
}
