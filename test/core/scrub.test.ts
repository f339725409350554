import { describe, expect, it } from "vitest";
import { CrashReport } from "../../src/core/crash.js";
import { scrubReport, scrubText } from "../../src/core/scrub.js";

// Every secret below is a made-up value in the real format (documented examples or random).
const leaks: [kind: string, input: string, secret: string, replacement: string][] = [
  ["bearer header", "GET /api failed: Authorization: Bearer abc123.def456-ghi789", "abc123.def456-ghi789", "[redacted]"],
  ["bearer in text", "retrying with Bearer 9f8e7d6c5b4a3210fedcba", "9f8e7d6c5b4a3210fedcba", "Bearer [token]"],
  ["basic auth", "sent Basic dXNlcjpodW50ZXIy to the proxy", "dXNlcjpodW50ZXIy", "Basic [token]"],
  ["GitHub PAT classic", "clone with ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R failed", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "[token]"],
  ["GitHub OAuth", "token gho_16C7e42F292c6912E7710c838347Ae178B4a rejected", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "[token]"],
  ["GitHub server token", "ghs_abcdefghijklmnopqrstuvwxyz0123456789 expired", "ghs_abcdefghijklmnopqrstuvwxyz0123456789", "[token]"],
  [
    "GitHub fine-grained",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX used",
    "github_pat_11ABCDEFG",
    "[token]",
  ],
  ["AWS access key id", "S3 denied for AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "[token]"],
  ["AWS access key id without digits", "key=ASIAQWERTYUIOPASDFGH in use", "ASIAQWERTYUIOPASDFGH", "[token]"],
  [
    "AWS secret",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_secret_access_key = [redacted]",
  ],
  ["Stripe secret", "charge failed with key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[token]"],
  ["Stripe restricted", "rk_live_51H8abcdEFGHijklMNOPqrst", "rk_live_51H8abcdEFGHijklMNOPqrst", "[token]"],
  ["Stripe publishable", "pk_live_51H8abcdEFGHijklMNOPqrst loaded", "pk_live_51H8abcdEFGHijklMNOPqrst", "[token]"],
  ["Slack bot token", "slack said invalid_auth for xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "xoxb-17653672481", "[token]"],
  ["Slack webhook", "POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX 404", "T00000000/B00000000", "[token]"],
  [
    "JWT",
    "session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c expired",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "[token]",
  ],
  ["password in URL", "could not connect to postgres://app:s3cr3tP4ss@db.internal:5432/shop", "s3cr3tP4ss", "postgres://[redacted]@"],
  ["password in query", "GET https://shop.example.com/login?user=bob&password=hunter2&next=/", "hunter2", "password=[redacted]"],
  ["token in query", "GET /hooks?token=abcdef123456&x=1", "abcdef123456", "token=[redacted]"],
  [
    "api_key in query",
    "https://maps.example.com/geo?api_key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "AIzaSyD-9tSrke72PouQMnMX",
    "api_key=[redacted]",
  ],
  ["secret in query", "callback?client_id=1&secret=topsecretvalue", "topsecretvalue", "secret=[redacted]"],
  ["access_token in query", "/me?access_token=EAACEdEose0cBA1234xyz", "EAACEdEose0cBA1234xyz", "access_token=[redacted]"],
  [
    "S3 presigned signature",
    "GET https://b.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef",
    "Signature=[redacted]",
  ],
  ["password in JSON", '{"user":"bob","password":"correct horse battery staple"}', "correct horse battery staple", '"password":"[redacted]"'],
  [
    "private key block",
    "config: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq5\nQWERTYUIOP\n-----END RSA PRIVATE KEY----- loaded",
    "MIIEowIBAAKCAQEA7bq5",
    "[redacted]",
  ],
  ["email", "no account for jane.doe+shop@example.co.uk", "jane.doe+shop@example.co.uk", "[email]"],
  ["IPv4", "connect ECONNREFUSED 10.0.12.7:6379", "10.0.12.7", "[ip]"],
  ["IPv6 full", "peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 reset", "2001:0db8:85a3", "[ip]"],
  ["IPv6 compressed", "listen on fe80::1ff:fe23:4567:890a failed", "fe80::1ff:fe23", "[ip]"],
  ["Visa number", "card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", "[card]"],
  ["Mastercard number", "pan=5555555555554444", "5555555555554444", "[card]"],
  ["Amex number", "charging 378282246310005 failed", "378282246310005", "[card]"],
  // The gaps an outside attack suite found, and their kin.
  ["quoted password assignment", 'db.connect(password="correct horse battery")', "correct horse battery", 'password="[redacted]"'],
  ["single-quoted password assignment", "PASSWORD = 'hunter2hunter2' in settings.py", "hunter2hunter2", "PASSWORD = '[redacted]'"],
  ["spaced secret assignment", "client_secret = s3cr3t-v4lue loaded", "s3cr3t-v4lue", "client_secret = [redacted]"],
  ["passwd in YAML", "passwd: Tr0ub4dor&3", "Tr0ub4dor&3", "passwd: [redacted]"],
  ["pwd header line", "pwd: kiwi-banana-42", "kiwi-banana-42", "pwd: [redacted]"],
  ["access_token line", "access_token: ya29.a0AfH6SMBx", "ya29.a0AfH6SMBx", "access_token: [redacted]"],
  ["Redis URL without a user", "Error: connect redis://:s3cretPw@cache.internal:6379 refused", "s3cretPw", "redis://[redacted]@"],
  ["URL-encoded email in a query", "GET /unsubscribe?email=jane.doe%40example.com&list=7", "jane.doe%40example.com", "email=[email]"],
  ["URL-encoded email with a plus", "next=/login%3Fuser%3Djane%2Bshop%40example.co.uk", "jane%2Bshop%40example.co.uk", "[email]"],
  ["Slack app-level token", "socket mode with xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef", "xapp-1-A0123456789", "[token]"],
  ["Slack rotating token", "refresh xoxe-1-My0xLTIyNzg5MzQ3MzQ3ODYtNjI1 failed", "xoxe-1-My0xLTIy", "[token]"],
  ["Slack rotated user token", "token xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtMTIz expired", "xoxp-1-Mi0yLTEy", "[token]"],
  ["Stripe webhook secret", "verify with whsec_5f8a9b2c3d4e5f6a7b8c9d0e1f2a3b4c failed", "whsec_5f8a9b2c3d4e5f6a7b8c9d0e1f2a3b4c", "[token]"],
  ["GitLab token", "clone failed for glpat-xYz123AbC456dEf789gHi0", "glpat-xYz123AbC456dEf789gHi0", "[token]"],
  ["npm token", "publish with npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 denied", "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "[token]"],
  ["Google API key", "maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY rejected", "AIzaSyD-9tSrke72PouQMnMX", "[token]"],
  ["OpenAI key", "401 for sk-proj-abcdefghijklmnopqrstuvwx0123", "sk-proj-abcdefghijklmnopqrstuvwx0123", "[token]"],
];

describe("scrubData", () => {
  it("replaces card numbers given as JSON numbers, and keeps other numbers", async () => {
    const { scrubData } = await import("../../src/core/scrub.js");
    expect(scrubData({ pan: 4111111111111111, amount: 1999, ts: 1764000000000, order: 5555555555554444 })).toEqual({
      pan: "[card]",
      amount: 1999,
      ts: 1764000000000,
      order: "[card]",
    });
  });
});

describe("scrubText removes secrets and personal data", () => {
  it.each(leaks)("%s", (_kind, input, secret, replacement) => {
    const out = scrubText(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(replacement);
  });
});

// What a crash report must keep to stay useful.
const survivors: [kind: string, input: string][] = [
  ["version numbers", "upgrade from 1.4.2 to 2.0.0-beta.1 (build 305)"],
  ["four-part assembly version", "mscorlib, Version=4.0.0.0, Culture=neutral"],
  ["line and column", "at render (src/App.tsx:42:13)"],
  ["ISO timestamp", "2024-06-11T10:15:30.123Z request took 1500ms"],
  ["clock time", "at 10:15:30 the queue was full"],
  ["epoch milliseconds", "deadline 1718100930123 passed"],
  ["commit sha in a path", "/builds/shop/3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70/src/cart.py"],
  ["Sentry release", "shop-web@1.4.2+305"],
  ["npm scope", "Cannot find module '@babel/core'"],
  ["C++ scope", "std::vector<int>::at out of range in a::b::c"],
  ["Rust path", "core::option::unwrap_failed at src/main.rs:75:48"],
  ["JS syntax error", "Unexpected token '<' in JSON at position 0"],
  ["word Basic", "Basic authentication is not configured"],
  ["luhn-invalid digits", "order 4111111111111112 not found"],
  ["memory address", "EXC_BAD_ACCESS at 0x00000001a2b3c4d8"],
  ["hex id", "document 65f1c2a9b8e7d6c5b4a39281 missing"],
];

describe("scrubText keeps what is not secret", () => {
  it.each(survivors)("%s", (_kind, input) => {
    expect(scrubText(input)).toBe(input);
  });
});

describe("scrubReport", () => {
  const report = CrashReport.parse({
    provider: "sentry",
    exception: { type: "HTTPError", message: "401 for https://api.example.com/?token=abcdef123456" },
    frames: [
      {
        file: "/app/src/api.py",
        function: "call",
        line: 10,
        in_app: true,
        context_line: 'headers = {"Authorization": "Bearer 9f8e7d6c5b4a3210fedcba"}',
      },
    ],
    breadcrumbs: [
      {
        category: "http",
        message: "POST https://bob:hunter2@api.example.com/login",
        data: { url: "https://x.example/?password=pw123456", password: "plain", nested: { email: "bob@example.com" }, list: ["10.1.2.3"] },
      },
    ],
    device: { name: "Jane's iPhone (jane@example.com)" },
    url: "https://sentry.io/organizations/acme/issues/1/?token=abcdef123456",
  });
  const scrubbed = scrubReport(report);
  const text = JSON.stringify(scrubbed);

  it("scrubs every string the report carries", () => {
    for (const secret of [
      "abcdef123456",
      "9f8e7d6c5b4a3210fedcba",
      "hunter2",
      "pw123456",
      "plain",
      "bob@example.com",
      "10.1.2.3",
      "jane@example.com",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(scrubbed.breadcrumbs[0]?.data).toEqual({
      url: "https://x.example/?password=[redacted]",
      password: "[redacted]",
      nested: { email: "[email]" },
      list: ["[ip]"],
    });
  });

  it("leaves the rest of the report as it was", () => {
    expect(scrubbed.frames[0]).toMatchObject({ file: "/app/src/api.py", function: "call", line: 10, in_app: true });
    expect(scrubbed.provider).toBe("sentry");
    expect(report.breadcrumbs[0]?.data?.password).toBe("plain");
  });
});
