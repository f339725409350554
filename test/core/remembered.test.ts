import { describe, expect, it } from "vitest";
import { remembered } from "../../src/core/remembered.js";

describe("remembered", () => {
  it("computes each key once while it is in use", () => {
    const seen: string[] = [];
    const upper = remembered((s: string) => (seen.push(s), s.toUpperCase()), 2);
    expect([upper("a"), upper("b"), upper("a"), upper("c"), upper("a")]).toEqual(["A", "B", "A", "C", "A"]);
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("forgets what two generations have not used, so memory stays bounded", () => {
    const seen: string[] = [];
    const upper = remembered((s: string) => (seen.push(s), s.toUpperCase()), 1);
    for (const key of ["a", "b", "c", "a"]) upper(key);
    expect(seen).toEqual(["a", "b", "c", "a"]);
  });

  it("does not keep keys longer than `longest`", () => {
    const seen: string[] = [];
    const length = remembered((s: string) => (seen.push(s), s.length), 10, 3);
    length("abcd");
    length("abcd");
    expect(seen).toEqual(["abcd", "abcd"]);
  });
});
