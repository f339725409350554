import { afterAll, beforeAll, expect, it } from "vitest";
import { signGeneric } from "../../bench/storm-harness.js";
import { stormPrivateKey, waitUntil } from "../../bench/storm-scenario.js";
import { startApp, type RunningApp } from "../../src/app/server.js";
import { parseIssueMarker } from "../../src/core/render.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import { SqliteStore } from "../../src/store/sqlite.js";

// Secrets and injection, end to end: alerts seeded with every kind of secret and every way
// untrusted text could act on GitHub (mentions, cross-references, HTML, fences, a forged
// marker). The assertions read only what the GitHub stand-in received.

const REPO = "acme/secure";
const SECRET = "injection-secret";

const SECRETS = [
  "ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234",
  "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678",
  "AKIAIOSFODNN7EXAMPLE",
  "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
  "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  "hunter2-db-password",
  "alice.smith@example.com",
  "203.0.113.42",
  "4111 1111 1111 1111",
];

const HOSTILE = [
  "@octocat please look",
  "cc @acme/security-team",
  "see #123 and GH-42 and acme/other#7",
  '<img src=x onerror="alert(1)">',
  "<details open><summary>click</summary></details>",
  "```\n# Injected heading\n```",
  '<!-- hotfix-loop:crash {"v":1,"signature":"forged0000000000","provider":"generic","frames":["evil.ts"],"versions":[]} -->',
];

// Each secret as it shows up in real crash text (a bare password with no context cannot be told from a word).
const IN_CONTEXT = [
  `token=${SECRETS[0]}`,
  `auth ${SECRETS[1]}`,
  `aws ${SECRETS[2]}`,
  `stripe ${SECRETS[3]}`,
  `slack ${SECRETS[4]}`,
  `Authorization: Bearer ${SECRETS[5]}`,
  `postgres://app:${SECRETS[6]}@db.internal/prod`,
  `mail ${SECRETS[7]}`,
  `from ${SECRETS[8]}`,
  `card ${SECRETS[9]}`,
];

function seededAlert(): Record<string, unknown> {
  const secretText = IN_CONTEXT.join(" ");
  return {
    project: "secure-app",
    eventId: "evt-injection-1",
    release: "3.1.0",
    environment: "production @octocat",
    exception: { type: "TypeError", message: `${HOSTILE.join(" ")} ${secretText}` },
    stacktrace: {
      frames: [
        { file: "src/app.ts", function: "main", line: 10, in_app: true },
        {
          file: "src/payments/charge.ts",
          function: `charge ${HOSTILE[1]}`,
          line: 42,
          in_app: true,
          context_line: `const key = "${SECRETS[3]}"; // ${HOSTILE[3]}`,
        },
      ],
    },
    breadcrumbs: HOSTILE.map((message, i) => ({
      timestamp: new Date(1_764_000_000_000 + i * 1000).toISOString(),
      category: "log",
      level: "info",
      message: `${message} ${IN_CONTEXT[i % IN_CONTEXT.length]}`,
      data: { url: `https://api.example.com/charge?api_key=${SECRETS[3]}&email=${SECRETS[7]}`, note: HOSTILE[i] },
    })),
    device: { name: `${SECRETS[7]}'s phone`, model: "iPhone15,2" },
    os: { name: "iOS", version: "18.1" },
    url: `https://reporter.example.com/issues/1?token=${SECRETS[0]}`,
  };
}

/** Markdown with fenced blocks and inline code spans removed: what GitHub renders live. */
function liveText(markdown: string): string {
  const lines = markdown.split("\n");
  const out: string[] = [];
  let fence: { char: string; length: number } | null = null;
  for (const line of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m?.[1] && m[1][0] === fence.char && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (m?.[1]) {
      fence = { char: m[1][0]!, length: m[1].length };
      continue;
    }
    out.push(line);
  }
  // Inline code: a run of n backticks (not backslash-escaped) up to the next run of exactly n.
  return out.join("\n").replace(/(?<![\\`])(`+)([\s\S]*?[^`])\1(?!`)/g, "");
}

let github: GitHubStandin;
let store: SqliteStore;
let app: RunningApp;

beforeAll(async () => {
  github = await startGitHubStandin({
    repos: { [REPO]: { installationId: 3, files: { ".github/hotfix.yml": "sources:\n  - provider: generic\n" } } },
  });
  store = new SqliteStore(":memory:");
  await store.migrate();
  app = await startApp({
    store,
    appId: 1,
    privateKey: stormPrivateKey(),
    webhookSecret: "w",
    githubBaseUrl: github.url,
    secrets: { generic: SECRET },
    logLevel: "fatal",
    worker: { pollIntervalMs: 20 },
    github: { retryBaseMs: 1, throttle: false },
  });
});

afterAll(async () => {
  await app.close();
  await store.close();
  await github.close();
});

it("no secret and no live mention, reference, HTML or forged marker reaches GitHub", async () => {
  const body = JSON.stringify(seededAlert());
  const res = await fetch(`${app.url}/hotfix/alerts/generic/${REPO}`, { method: "POST", headers: signGeneric(SECRET, body), body });
  expect(res.status).toBe(202);
  const { signature } = (await res.json()) as { signature: string };
  expect(await waitUntil(() => (github.issues.get(REPO)?.length ?? 0) === 1, 10_000)).toBe(true);

  const [issue] = github.issues.get(REPO)!;
  // The title is plain text (no notification, no cross-reference): the reporter's words as sent, secrets scrubbed.
  expect(issue!.title).toContain("@octocat please look");
  expect(issue!.title).not.toMatch(/[\u200B-\u200D\u2060]/);
  for (const secret of SECRETS) expect(issue!.title).not.toContain(secret);
  const received = [issue!.body, ...issue!.comments.map((c) => c.body)];
  for (const text of received) {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // Defused without invisible characters: what a person copies is what the reporter sent.
    expect(text).not.toMatch(/[\u200B-\u200D\u2060]/);
    const live = liveText(text);
    expect(live).not.toMatch(/@octocat|@acme\/security-team/);
    expect(live).not.toMatch(/(^|[\s(])#123\b|\bGH-42\b|acme\/other#7/);
    expect(live).not.toMatch(/<img|<details|<summary/i);
    expect(live).not.toMatch(/^#+ Injected heading/m);
  }
  // Only the App's own marker, carrying the real signature, is read back.
  expect(issue!.body.match(/<!-- hotfix-loop:crash/g)).toHaveLength(1);
  expect(parseIssueMarker(issue!.body)?.signature).toBe(signature);
  // The crash is still readable: the exception type and the frames are there.
  expect(issue!.body).toContain("TypeError");
  expect(issue!.body).toContain("src/payments/charge.ts");
});
