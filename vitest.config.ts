import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Store tests share one PostgreSQL server; each file uses its own schema, so files may run in parallel.
    pool: "forks",
    // The PostgreSQL for the store and fault tests: the one given, the one at 127.0.0.1:5432, or an embedded one.
    globalSetup: ["test/postgres.global.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/proof/**"],
          setupFiles: ["test/setup.ts", "test/offline.ts", "test/contracts/setup.ts"],
        },
      },
      // The load and fault proofs: real loopback traffic only.
      { extends: true, test: { name: "proof", include: ["test/proof/**/*.test.ts"], setupFiles: ["test/setup.ts"] } },
    ],
  },
});
