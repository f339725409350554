import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport, type CrashReportInput } from "../../src/core/crash.js";
import { BODY_LIMIT, codeBlock, neutralize, parseIssueMarker, type RenderInput, renderIssue, repoPath } from "../../src/core/render.js";
import { TITLE_LIMIT } from "../../src/core/title.js";
import { loadStacks } from "./stacks.js";

const links = DEFAULT_CONFIG.links;
const stats = {
  events: 12,
  users: 3,
  versions: [
    { version: "1.4.2", count: 10 },
    { version: "1.4.1", count: 2 },
  ],
  firstSeen: "2024-06-10T09:00:00Z",
  lastSeen: "2024-06-11T10:00:00Z",
};

function input(report: CrashReportInput, extra: Partial<RenderInput> = {}): RenderInput {
  return { report: CrashReport.parse(report), signature: "0123456789abcdef", stats, links, ...extra };
}

/**
 * The text GitHub would interpret: the body without fenced code blocks, inline code spans
 * and our own marker comment. Mentions, references and HTML only come alive out here.
 */
function liveText(body: string): string {
  const lines = body.split("\n");
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    // CommonMark: a backtick fence's info string holds no backticks, so an inline code span never opens one.
    const opener = /^ {0,3}(`{3,})[^`]*$/.exec(line);
    if (fence === null && opener?.[1]) {
      fence = opener[1];
      continue;
    }
    if (fence !== null) {
      if (new RegExp(`^ {0,3}${fence}\`*\\s*$`).test(line)) fence = null;
      continue;
    }
    out.push(line);
  }
  expect(fence, "every code block is closed").toBeNull();
  let text = out.join("\n").replace(/<!-- hotfix-loop:crash [^\n]*? -->/g, "");
  // Code spans: a run of n backticks (not backslash-escaped) up to the next run of exactly n.
  text = text.replace(/(?<![\\`])(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, "");
  return text;
}

describe("renderIssue", () => {
  const django = loadStacks().find((s) => s.name === "python-django-keyerror");
  if (!django) throw new Error("fixture missing");
  const report: CrashReportInput = {
    ...django.report,
    commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
    url: "https://sentry.io/organizations/acme/issues/42/",
    environment: "production",
    breadcrumbs: [
      { timestamp: "2024-06-11T10:00:00Z", category: "http", level: "info", message: "GET /symbolicate/v5", data: { status: 200 } },
      { timestamp: "2024-06-11T10:00:01Z", category: "query", level: "info", message: "SELECT 1" },
    ],
    device: { name: "web-1", arch: "x86_64" },
    os: { name: "Linux", version: "5.15" },
    runtime: { name: "CPython", version: "3.11.4" },
    gaps: [
      {
        kind: "missing",
        part: "breadcrumbs",
        source: "Sentry's issue webhook",
        fetch: { outcome: "failed", reason: "SENTRY_AUTH_TOKEN is not set" },
      },
    ],
  };
  const rendered = renderIssue(input(report, { repo: "mozilla-services/tecken", links: { ...links, stripPrefixes: ["/app/"] } }));

  it("titles the issue type: message in the crashing function", () => {
    expect(rendered.title).toBe("KeyError: 373362 in symbolicate");
  });

  it("shows the crashing frame under the message, linked to the exact line of the crashing commit, then the rest of the stack", () => {
    const lines = rendered.body.split("\n");
    const crashed = lines.findIndex((l) => l.startsWith("**Crashed in** "));
    expect(lines[crashed]).toBe(
      "**Crashed in** `symbolicate` at [`/app/tecken/symbolicate/views.py:288`](https://github.com/mozilla-services/tecken/blob/3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70/tecken/symbolicate/views.py#L288)",
    );
    expect(crashed).toBeLessThan(lines.indexOf("### Stack trace"));
    const frames = lines.filter((l) => /^\d+\. /.test(l));
    expect(frames).toHaveLength(9);
    expect(frames[0]).toMatch(/^2\. ★ `symbolicate_v5_json` at /);
    expect(frames[2]).toBe("4. `_timer_decorator` at `/usr/local/lib/python3.6/site-packages/markus/main.py:357`");
    expect(frames[8]).toContain("`inner` at `/usr/local/lib/python3.6/site-packages/django/core/handlers/exception.py:35`");
  });

  it("shows summary, breadcrumbs newest last, device and missing context", () => {
    const body = rendered.body;
    expect(body).toContain("| **Events** | 12 |");
    expect(body).toContain("| **Versions** | `1.4.2` × 10, `1.4.1` × 2 |");
    expect(body).toContain("| **Environment** | production |");
    expect(body).toContain("[Open in Sentry](https://sentry.io/organizations/acme/issues/42/)");
    expect(body.indexOf("GET /symbolicate/v5 (status=200)")).toBeLessThan(body.indexOf("SELECT 1"));
    expect(body).toContain("| **OS** | Linux 5.15 |");
    expect(body).toContain("### Missing context");
    expect(body).toContain("- breadcrumbs: not in Sentry's issue webhook, and fetching the latest event failed: SENTRY\\_AUTH\\_TOKEN is not set");
    expect(body).not.toContain("Regression");
  });

  it("puts a regression banner first when the crash came back", () => {
    const regressed = renderIssue(input(report, { regressedIn: "1.4.3" }));
    expect(regressed.body.startsWith("> [!CAUTION]\n> **Regression:** this crash is back in `1.4.3`")).toBe(true);
  });

  it("links with the given ref first, then the commit, then the release tag, and not at all without one", () => {
    const frame = (r: RenderInput) =>
      renderIssue(r)
        .body.split("\n")
        .find((l) => l.startsWith("**Crashed in** ")) ?? "";
    const base = { repo: "o/r", links: { ...links, stripPrefixes: ["/app/"] } };
    expect(frame(input(report, { ...base, ref: "v9.9.9" }))).toContain("https://github.com/o/r/blob/v9.9.9/tecken/symbolicate/views.py#L288");
    expect(frame(input({ ...report, commit: undefined }, base))).toContain(
      "https://github.com/o/r/blob/v2018.07.05/tecken/symbolicate/views.py#L288",
    );
    expect(
      frame(
        input(
          { ...report, commit: undefined, release: "tecken@2018.07.05" },
          { ...base, links: { ...base.links, tagTemplate: "release-{version}" } },
        ),
      ),
    ).toContain("/blob/release-2018.07.05/");
    expect(frame(input({ ...report, commit: undefined, release: "com.example.shop@4.12.1+41201" }, base))).toContain("/blob/v4.12.1/");
    expect(frame(input({ ...report, commit: undefined, release: undefined }, base))).not.toContain("https://");
    expect(frame(input(report, { links: base.links }))).not.toContain("https://");
  });

  it("links a file by the settings of the repository rendered for, whichever rendered it before", () => {
    const frame = (l: RenderInput["links"]) =>
      renderIssue(input(report, { repo: "o/r", ref: "v1", links: l }))
        .body.split("\n")
        .find((line) => line.startsWith("**Crashed in** ")) ?? "";
    const stripped = { ...links, stripPrefixes: ["/app/"] };
    for (let round = 0; round < 2; round++) {
      expect(frame(stripped)).toContain("](https://github.com/o/r/blob/v1/tecken/symbolicate/views.py#L288)");
      expect(frame({ ...stripped, root: "srv" })).toContain("](https://github.com/o/r/blob/v1/srv/tecken/symbolicate/views.py#L288)");
      expect(frame(links)).not.toContain("https://");
    }
  });

  it("scrubs secrets out of everything it writes", () => {
    const leaky = renderIssue(
      input({
        ...report,
        exception: { type: "HTTPError", message: "401 from https://api.example.com/?api_key=AIzaSyD9tSrke72PouQMnMX" },
        breadcrumbs: [{ message: "login bob@example.com from 10.0.0.7", data: { Authorization: "Bearer 9f8e7d6c5b4a3210fedcba" } }],
      }),
    );
    for (const secret of ["AIzaSyD9tSrke72PouQMnMX", "bob@example.com", "10.0.0.7", "9f8e7d6c5b4a3210fedcba"]) {
      expect(leaky.title + leaky.body).not.toContain(secret);
    }
  });

  it("writes a marker that round-trips", () => {
    expect(parseIssueMarker(rendered.body)).toEqual({
      v: 1,
      signature: "0123456789abcdef",
      provider: "sentry",
      frames: ["tecken/symbolicate/views.py", "tecken/base/decorators.py"],
      versions: ["1.4.2", "1.4.1"],
      release: "2018.07.05",
    });
  });

  it("renders every real fixture within the limit, with its marker", () => {
    for (const s of loadStacks()) {
      const out = renderIssue(input(s.report));
      expect(out.title.length).toBeLessThanOrEqual(TITLE_LIMIT);
      expect(out.body.length).toBeLessThanOrEqual(BODY_LIMIT);
      expect(parseIssueMarker(out.body)?.signature).toBe("0123456789abcdef");
    }
  });
});

describe("renderIssue of an oversized crash", () => {
  const frames = Array.from({ length: 10_000 }, (_, i) => ({
    file: `/app/src/module${i}/handler${i}.js`,
    function: `handler${i}`,
    line: i + 1,
    in_app: true,
    context_line: `return handler${i + 1}(request, ${"x".repeat(100)})`,
  }));
  const breadcrumbs = Array.from({ length: 5_000 }, (_, i) => ({
    timestamp: `2024-06-11T10:00:${String(i % 60).padStart(2, "0")}Z`,
    category: "console",
    message: `step ${i} ${"y".repeat(200)}`,
  }));
  const huge = renderIssue(
    input(
      {
        provider: "sentry",
        exception: { type: "RangeError", message: "Maximum call stack size exceeded " + "z".repeat(1_048_576) },
        frames,
        breadcrumbs,
      },
      { repo: "o/r", ref: "abc1234", links: { ...links, stripPrefixes: ["/app/"] } },
    ),
  );

  it("fits GitHub's limit", () => {
    expect(huge.body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(huge.body.length).toBeGreaterThan(BODY_LIMIT - 5_000);
  });

  it("keeps the crashing frames and the newest breadcrumbs, and says what was cut", () => {
    expect(huge.body).toContain(
      "**Crashed in** `handler9999` at [`/app/src/module9999/handler9999.js:10000`](https://github.com/o/r/blob/abc1234/src/module9999/handler9999.js#L10000)",
    );
    expect(huge.body).toContain("5. ★ `handler9995`");
    expect(huge.body).not.toContain("`handler0`");
    expect(huge.body).toMatch(
      /> Cut to stay readable and within GitHub's 65,536-character limit: 5,000 oldest breadcrumbs; [\d,]+ outermost frames; the message after [\d,]+ of its 1,048,609 characters\./,
    );
    expect(huge.body).toContain("Maximum call stack size exceeded");
    expect(huge.body).toMatch(/_[\d,]+ outermost frames not shown\._/);
    expect(parseIssueMarker(huge.body)?.frames[0]).toBe("src/module9999/handler9999.js");
  });

  it("drops breadcrumbs before frames, and frames before the message", () => {
    const someCrumbs = renderIssue(input({ provider: "sentry", exception: { type: "E", message: "m" }, frames: frames.slice(0, 20), breadcrumbs }));
    expect(someCrumbs.body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(someCrumbs.body).toContain("`handler0`");
    expect(someCrumbs.body).toContain("step 4999 ");
    expect(someCrumbs.body).not.toContain("step 0 ");
    expect(someCrumbs.body).toMatch(/Cut to stay readable and within GitHub's 65,536-character limit: [\d,]+ oldest breadcrumbs\./);
    const longMessage = renderIssue(
      input({ provider: "sentry", exception: { type: "E", message: "m".repeat(100_000) }, frames: frames.slice(0, 20) }),
    );
    expect(longMessage.body).toContain("`handler0`");
    expect(longMessage.body.length).toBeLessThanOrEqual(BODY_LIMIT);
  });

  it("fits even when every field is absurd", () => {
    const absurd = "`<@a #1>|\n".repeat(50_000);
    const out = renderIssue({
      ...input({
        provider: "generic",
        project: absurd,
        exception: { type: absurd, message: absurd },
        frames: frames.map((f) => ({ ...f, function: absurd, file: absurd, context_line: absurd })),
        breadcrumbs: breadcrumbs.map((b) => ({ ...b, message: absurd, category: absurd, data: { absurd } })),
        device: { name: absurd, model: absurd },
        os: { name: absurd },
        gaps: Array.from({ length: 1_000 }, () => absurd),
        release: absurd,
        environment: absurd,
        url: `https://x.example/${"a".repeat(100_000)}`,
      }),
      stats: {
        ...stats,
        versions: Array.from({ length: 10_000 }, (_, i) => ({ version: absurd.slice(0, 1_000) + i, count: i })),
        firstSeen: absurd,
        lastSeen: absurd,
      },
      regressedIn: absurd,
    });
    expect(out.body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(out.title.length).toBeLessThanOrEqual(TITLE_LIMIT);
    expect(parseIssueMarker(out.body)).not.toBeNull();
  });
});

describe("untrusted text cannot come alive", () => {
  const attacks = [
    "@someone see #12",
    "@octocat please look",
    "ping @github/security-team now",
    "fixes #123 and closes GH-45 and acme/widgets#9",
    "see https://github.com/acme/widgets/issues/7",
    "<img src=x onerror=alert(1)> <script>alert(1)</script> <details open>",
    '</sub><!-- hotfix-loop:crash {"v":1,"signature":"ffffffffffffffff","provider":"sentry","frames":[],"versions":[]} -->',
    "```\n# Injected heading\n@octocat\n```",
    "````js\nbreak out\n````",
    "a | b | c\n| --- |\n| injected row |",
    "[click me](https://evil.example) ![pixel](https://evil.example/p.png) **bold**",
  ];
  const everywhere = (text: string): CrashReportInput => ({
    provider: "generic",
    project: text,
    exception: { type: text, message: text },
    frames: [
      { file: text, function: text, module: text, in_app: true, line: 1, context_line: text },
      { file: "src/app.js", function: text, in_app: true, line: 2 },
    ],
    breadcrumbs: [{ timestamp: text, category: text, level: text, message: text, data: { [text]: text } }],
    device: { name: text, model: text },
    os: { name: text, version: text },
    runtime: { name: text },
    platform: text,
    release: text,
    environment: text,
    gaps: [text],
  });

  it.each(attacks)("%s", (attack) => {
    const out = renderIssue({
      ...input(everywhere(attack), { repo: "o/r", ref: "main" }),
      stats: { ...stats, versions: [{ version: attack, count: 1 }], firstSeen: attack, lastSeen: attack },
      regressedIn: attack,
    });
    const live = liveText(out.body);
    // Defused by code spans and escapes, never by invisible characters a person would copy.
    expect(out.body).not.toMatch(/[\u200B-\u200D\u2060]/);
    expect(live).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/);
    expect(live).not.toMatch(/#\d/);
    expect(live).not.toMatch(/GH-\d/i);
    expect(live).not.toMatch(/github\.com\/acme/);
    expect(live.replace(/<\/?sub>/g, "")).not.toMatch(/</);
    expect(live).not.toMatch(/(^|[^\\])\[click me\]\(/);
    expect(live).not.toMatch(/(^|[^\\])\*\*bold/);
    expect(live).not.toMatch(/^#+ Injected/m);
    // Every table row keeps its own number of cells.
    for (const row of live.split("\n").filter((l) => l.startsWith("|"))) {
      const cells = row.replace(/\\\|/g, "").split("|").length - 2;
      expect([2, 4]).toContain(cells);
    }
    expect(parseIssueMarker(out.body)?.signature).toBe("0123456789abcdef");
    expect(out.body.match(/<!-- hotfix-loop:crash/g)).toHaveLength(1);
    // A title is plain text: GitHub notifies and cross-references from bodies and comments only, so it keeps the reporter's words, unaltered and visible.
    expect(out.title).not.toMatch(/[\u200B-\u200D\u2060]/);
    for (const word of attack.split("\n")[0]!.match(/@[\w/-]+|\S*#\d+|GH-\d+/g) ?? []) expect(out.title).toContain(word);
  });
});

describe("neutralize", () => {
  it("puts mentions and references in code spans, as sent, and escapes HTML and Markdown", () => {
    expect(neutralize("@alice #1 GH-2 <b>&</b> *x* a|b\nc")).toBe("`@alice` `#1` `GH-2` &lt;b&gt;&amp;&lt;/b&gt; \\*x\\* a\\|b c");
    expect(neutralize("version com.example.shop@4.12.2 (see acme/app#12, github.com/acme)")).toBe(
      "version `com.example.shop@4.12.2` (see `acme/app#12,` `github.com/acme)`",
    );
    expect(neutralize("`@x`|y")).toBe("\\``@x`\\`\\|y");
  });

  it("keeps text without markup as it is", () => {
    expect(neutralize("Cannot read properties of undefined (reading 'map')")).toBe("Cannot read properties of undefined (reading 'map')");
  });
});

describe("codeBlock", () => {
  it("uses a fence longer than any backtick run inside", () => {
    expect(codeBlock("plain")).toBe("```\nplain\n```");
    expect(codeBlock("a ```` b", "js")).toBe("`````js\na ```` b\n`````");
  });
});

describe("repoPath", () => {
  const frame = (file: string, extra: object = {}) => ({ file, in_app: true, ...extra });
  it.each([
    [frame("webpack:///./src/App.tsx"), links, "src/App.tsx"],
    [frame("app:///src/cart.js"), links, "src/cart.js"],
    [frame("webpack://shop/./src/cart.js?abcd"), links, "src/cart.js"],
    [frame("src/cart.py"), links, "src/cart.py"],
    [frame("../../../../webview-ui/src/About.tsx"), links, "webview-ui/src/About.tsx"],
    [frame("/home/runner/work/shop/shop/src/cart.py"), { ...links, stripPrefixes: ["/home/runner/work/shop/shop/"] }, "src/cart.py"],
    [frame("C:\\build\\Shop\\Assets\\Player.cs"), { ...links, stripPrefixes: ["C:\\build\\Shop\\"] }, "Assets/Player.cs"],
    [
      frame("MainActivity.kt", { module: "com.example.app.MainActivity" }),
      { ...links, root: "app/src/main/java" },
      "app/src/main/java/com/example/app/MainActivity.kt",
    ],
    [frame("/home/alice/shop/src/cart.py"), links, null],
    [frame("https://cdn.example.com/static/js/main.3f9a2c1b.js"), links, null],
    [frame("src/../../etc/passwd"), links, null],
    [{ file: "src/cart.py", in_app: false }, links, null],
  ])("%o with %o is %s", (f, l, expected) => {
    expect(repoPath(f, l)).toBe(expected);
  });
});

describe("parseIssueMarker", () => {
  it("returns null for bodies without a valid marker", () => {
    expect(parseIssueMarker("just an issue")).toBeNull();
    expect(parseIssueMarker("<!-- hotfix-loop:crash {not json} -->")).toBeNull();
    expect(parseIssueMarker('<!-- hotfix-loop:crash {"v":2} -->')).toBeNull();
  });
});

describe("titles and bodies cannot be spoofed or cut to nothing", () => {
  it("cuts a long identifier with a visible prefix, never to a bare ellipsis", () => {
    const out = renderIssue(
      input({
        provider: "sentry",
        exception: { type: "Exception", message: "This is an example of a PlayStation exception" },
        frames: [
          {
            function: "Tower::Cheats::USentryTowerCheatManager::ActivateGodModeAndEverythingElseThatAGameMightNeedToDo",
            file: "SentryTowerCheatManager.cpp",
            in_app: true,
          },
        ],
      }),
    );
    // Too long with its namespaces: they go from the left, the class and the function stay whole.
    expect(out.title.endsWith(" in USentryTowerCheatManager::ActivateGodModeAndEverythingElseThatAGameMightNeedToDo")).toBe(true);
    expect(out.title).not.toMatch(/(^|\s)…/);
  });

  it("shows bidi controls and zero-width characters as code points in the title and the body", () => {
    const spoof = "Invoice\u202Efdp.exe\u200B paid";
    const out = renderIssue(
      input({ provider: "generic", exception: { type: "Error", message: spoof }, frames: [{ function: `pay\u2066Now`, in_app: true }] }),
    );
    for (const text of [out.title, out.body]) {
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B\u200C\u200E\u200F\uFEFF]/);
      expect(text).toContain("<U+202E>");
    }
    expect(out.body).toContain("pay<U+2066>Now");
  });
});

describe("the size budget", () => {
  it("collapses runs of library frames before it drops a single breadcrumb", () => {
    const frames = [
      ...Array.from({ length: 3_000 }, (_, i) => ({
        file: `/usr/lib/vendor/lib${i}.js`,
        function: `vendorFunction${i}WithALongName`,
        line: i,
        in_app: false,
      })),
      { file: "src/cart/checkout.js", function: "checkout", line: 42, in_app: true },
      ...Array.from({ length: 2_000 }, (_, i) => ({ file: `/usr/lib/vendor/inner${i}.js`, function: `inner${i}`, line: i, in_app: false })),
    ];
    const breadcrumbs = Array.from({ length: 300 }, (_, i) => ({ timestamp: "2024-06-11T10:00:00Z", category: "ui", message: `step ${i}` }));
    const out = renderIssue(input({ provider: "sentry", exception: { type: "E", message: "m" }, frames, breadcrumbs }));
    expect(out.body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(out.body).toContain("| step 0 |");
    expect(out.body).toContain("| step 299 |");
    expect(out.body).toMatch(/_… 1,999 library frames …_/);
    expect(out.body).toContain("**Crashed in** `checkout` at `src/cart/checkout.js:42`, frame 2,001 of the stack");
    expect(out.body).toContain("2001. _the crashing frame, shown above_");
    expect(out.body).toMatch(/Cut to stay readable and within GitHub's 65,536-character limit: 4,9\d\d library frames collapsed\./);
  });
});

describe("native frames and what was skipped", () => {
  it("shows an unsymbolicated frame by its address and image, and says what the payload lacked or had malformed", () => {
    const out = renderIssue(
      input({
        provider: "sentry",
        exception: { type: "SIGSEGV", message: "Segfault" },
        frames: [{ instruction_addr: "0xbcc196b4", package: "/apex/com.android.runtime/lib/libart.so", image_offset: "0x144f68", in_app: false }],
        gaps: [{ kind: "skipped", field: "breadcrumbs.values[2].data", reason: 'expected record, got the text "must be a mapping"' }],
      }),
    );
    expect(out.body).toContain("**Crashed in** `0xbcc196b4 in libart.so`");
    // Its only frame is shown under the message: no stack section repeats it, and no legend explains a ★ that is not there.
    expect(out.body).not.toContain("### Stack trace");
    expect(out.body).not.toContain("★");
    expect(out.body).not.toContain("_unknown function_");
    expect(out.body).toContain('- breadcrumbs.values\\[2\\].data: skipped, expected record, got the text "must be a mapping"');
  });

  it("explains the ★ only when a listed frame has one", () => {
    const library = [
      { file: "/usr/lib/node/events.js", function: "emit", line: 1, in_app: false },
      { file: "/usr/lib/node/net.js", function: "onread", line: 2, in_app: false },
    ];
    const without = renderIssue(input({ provider: "sentry", exception: { type: "E", message: "m" }, frames: library })).body;
    expect(without).toContain("Most recent call first.");
    expect(without).not.toContain("★");
    // Oldest first, as reporters send frames: main called handle, which called into the library.
    const own = [
      { file: "src/app.js", function: "main", line: 3, in_app: true },
      { file: "src/handle.js", function: "handle", line: 4, in_app: true },
    ];
    const withOwn = renderIssue(input({ provider: "sentry", exception: { type: "E", message: "m" }, frames: [...own, ...library] })).body;
    expect(withOwn).toContain("**Crashed in** `handle` at `src/handle.js:4`, frame 3 of the stack");
    expect(withOwn).toContain("Most recent call first; ★ marks the project's own code.");
    expect(withOwn).toContain("3. _the crashing frame, shown above_\n4. ★ `main` at `src/app.js:3`");
  });

  it("leaves out rows whose value is unknown, and takes first seen from the event's own time", () => {
    const out = renderIssue({
      ...input({ provider: "sentry", exception: { type: "E", message: "m" }, occurredAt: "2024-06-09T08:00:00.000Z" }),
      stats: { events: 3, users: 0, versions: [], firstSeen: "2024-06-10T09:00:00Z", lastSeen: "2024-06-11T10:00:00Z" },
    });
    expect(out.body).not.toContain("**Users**");
    expect(out.body).toContain('| **First seen** | <span title="2024-06-09T08:00:00.000Z">2024-06-09 08:00 UTC</span> |');
    expect(out.body).toContain('| **Last alert received** | <span title="2024-06-11T10:00:00.000Z">2024-06-11 10:00 UTC</span> |');
  });
});
