import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Pacer } from "../../src/app/pacer.js";
import { GITHUB_SECONDARY_LIMITS, type SecondaryLimits } from "../../src/github/secondary-limits.js";

const limits: SecondaryLimits = { ...GITHUB_SECONDARY_LIMITS, contentCreation: [{ limit: 2, ms: 1_000 }] };
const CREATE = ["POST", "/repos/acme/game/issues"] as const;
const EDIT = ["PATCH", "/repos/acme/game/issues/1"] as const;
const READ = ["GET", "/repos/acme/game/issues"] as const;

/** Sends through the pacer and records the order requests went out in; each is answered when the test says. */
function harness(pacer: Pacer) {
  const sent: string[] = [];
  const answers = new Map<string, () => void>();
  const send = (name: string, [method, path]: readonly [string, string]) =>
    pacer.send(method, path, () => {
      sent.push(name);
      return new Promise<void>((resolve) => answers.set(name, resolve));
    });
  const answer = async (...names: string[]) => {
    for (const name of names) answers.get(name)!();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { sent, send, answer };
}

describe("Pacer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("lets a content-creating request go only when the window since earlier answers has room", async () => {
    const { sent, send, answer } = harness(new Pacer(limits));
    void send("a", CREATE);
    void send("b", EDIT);
    void send("c", EDIT);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["a", "b"]);
    // Still in flight, "a" holds its unit however long it takes.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual(["a", "b"]);
    await answer("a", "b");
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(["a", "b", "c"]);
  });

  it("sends a waiting new issue before edits that waited longer, and reads past waiting writes", async () => {
    const { sent, send, answer } = harness(new Pacer(limits));
    void send("first", EDIT);
    void send("second", EDIT);
    void send("edit", EDIT);
    void send("create", CREATE);
    void send("read", READ);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["first", "second", "read"]);
    await answer("first", "second");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual(["first", "second", "read", "create", "edit"]);
  });

  it("paces each owner's requests apart, as GitHub counts them per installation", async () => {
    const { sent, send } = harness(new Pacer(limits));
    for (const name of ["a1", "a2", "a3"]) void send(name, EDIT);
    void send("other", ["PATCH", "/repos/other/app/issues/1"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["a1", "a2", "other"]);
  });

  it("keeps requests in flight at the concurrency limit", async () => {
    const { sent, send, answer } = harness(new Pacer({ ...limits, concurrent: 2 }));
    for (const name of ["r1", "r2", "r3"]) void send(name, READ);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["r1", "r2"]);
    await answer("r1");
    expect(sent).toEqual(["r1", "r2", "r3"]);
  });

  it("tells when an edit has room, holding nothing", async () => {
    const pacer = new Pacer(limits);
    const { sent, send, answer } = harness(pacer);
    void send("a", EDIT);
    void send("b", EDIT);
    let roomy = false;
    void pacer.room("acme/game").then(() => (roomy = true));
    await vi.advanceTimersByTimeAsync(0);
    await answer("a", "b");
    expect(roomy).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(roomy).toBe(true);
    void send("c", EDIT);
    void send("d", EDIT);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["a", "b", "c", "d"]);
  });
});
