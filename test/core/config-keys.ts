/** Every key path of a config value down to its leaves ("rules.maxFiles.limit"); a list is a leaf. */
export const leafKeys = (value: unknown, prefix = ""): string[] =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.entries(value).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        const below = leafKeys(v, path);
        return below.length ? below : [path];
      })
    : [];
