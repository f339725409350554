import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { withUser } from "../../src/store/postgres.js";

// PostgreSQL's user is a parameter (the App's PGUSER, from its settings), not read from the environment by the store.
describe("withUser, the connecting user when the URL names none", () => {
  it("keeps the URL's own user", () => {
    expect(withUser("postgres://bob:pw@db.example:5432/app", "alice")).toBe("postgres://bob:pw@db.example:5432/app");
  });

  it("takes the user given, else the operating-system user, as libpq does", () => {
    expect(withUser("postgres://db.example:5432/app", "alice")).toBe("postgres://alice@db.example:5432/app");
    expect(withUser("postgres://db.example:5432/app")).toBe(`postgres://${encodeURIComponent(userInfo().username)}@db.example:5432/app`);
  });
});
