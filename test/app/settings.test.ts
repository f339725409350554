import { describe, expect, it } from "vitest";
import { AppSettings, readSettings, settingsOf } from "../../src/app/settings.js";
import { GITHUB_SECONDARY_LIMITS } from "../../src/github/secondary-limits.js";

describe("AppSettings, the App's environment", () => {
  it("takes an empty environment and empty variables as unset, each at its default", () => {
    const read = readSettings({ PORT: "", HOTFIX_SQLITE_SYNCHRONOUS: "", WEBHOOK_PROXY_URL: "" });
    expect(read.ok).toBe(true);
    const settings = read.ok ? read.settings : settingsOf();
    expect(settings.server).toEqual({ port: 3000, host: "localhost", logLevel: "info", webhookProxyUrl: undefined });
    expect(settings.store).toEqual({
      databaseUrl: undefined,
      sqlitePath: "./hotfix-loop.sqlite",
      sqliteSynchronous: "NORMAL",
      postgresUser: undefined,
    });
    expect(settings.github.baseUrl).toBeUndefined();
    expect(settings.limits).toEqual({ maxBodyBytes: 2 * 1024 * 1024, readyMaxOutboxAgeSeconds: 600, githubContentLimits: GITHUB_SECONDARY_LIMITS });
    expect(settings.reporterApis.sentry).toEqual({ token: undefined, baseUrl: "https://sentry.io" });
  });

  it("parses the values into the types the App's parts take", () => {
    const settings = settingsOf({
      APP_ID: "12345",
      PORT: "8080",
      GHE_HOST: "github.example.com",
      GHE_PROTOCOL: "http",
      HOTFIX_SQLITE_SYNCHRONOUS: "full",
      DATABASE_URL: " postgres://db.example/app ",
      HOTFIX_GITHUB_CONTENT_LIMITS: "120/1m,2000/1h",
      HOTFIX_MAX_BODY_BYTES: "1048576",
      HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: "90",
      SENTRY_URL: "https://sentry.example.com",
      SENTRY_AUTH_TOKEN: "sntrys_x",
      SENTRY_ORG: "acme",
      SENTRY_CLIENT_SECRET: "client-secret",
      BUGSNAG_WEBHOOK_TOKEN: "bugsnag-token",
      HOTFIX_API_TOKEN: "api-token",
    });
    expect(settings.github).toMatchObject({ appId: "12345", baseUrl: "http://github.example.com/api/v3" });
    expect(settings.server.port).toBe(8080);
    expect(settings.store).toMatchObject({ databaseUrl: "postgres://db.example/app", sqliteSynchronous: "FULL" });
    expect(settings.limits.maxBodyBytes).toBe(1_048_576);
    expect(settings.limits.readyMaxOutboxAgeSeconds).toBe(90);
    expect(settings.limits.githubContentLimits.contentCreation).toEqual([
      { limit: 120, ms: 60_000 },
      { limit: 2000, ms: 3_600_000 },
    ]);
    expect(settings.alerts).toEqual({ sentry: "client-secret", bugsnag: "bugsnag-token", generic: undefined, apiToken: "api-token" });
    expect(settings.reporterApis.sentry).toEqual({ token: "sntrys_x", baseUrl: "https://sentry.example.com" });
    expect(settings.reporters).toMatchObject({ sentryToken: "sntrys_x", sentryOrg: "acme", genericToken: "api-token" });
  });

  it("names each wrong variable with what was expected and what was found", () => {
    const result = readSettings({
      PORT: "80a",
      HOTFIX_SQLITE_SYNCHRONOUS: "OFF",
      HOTFIX_GITHUB_CONTENT_LIMITS: "80 a minute",
      SENTRY_URL: "sentry",
      HOTFIX_MAX_BODY_BYTES: "2MB",
      HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: "soon",
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      'PORT: expected a positive whole number, got "80a"',
      'HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got "OFF"',
      'SENTRY_URL: Invalid URL, got "sentry"',
      'HOTFIX_MAX_BODY_BYTES: expected a positive whole number of bytes, got "2MB"',
      'HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: expected a positive number of seconds, got "soon"',
      'HOTFIX_GITHUB_CONTENT_LIMITS: expected "<requests>/<length><s|m|h>", e.g. "80/1m", got "80 a minute"',
    ]);
    expect(() => settingsOf({ GHE_PROTOCOL: "ftp" })).toThrow(/GHE_PROTOCOL: .*got "ftp"/);
  });

  it("lets other variables of the process through", () => {
    expect(readSettings({ PATH: "/usr/bin", NODE_ENV: "production" }).ok).toBe(true);
    expect(Object.keys(AppSettings.shape)).toContain("WEBHOOK_PROXY_URL");
  });

  it("describes every variable, and each default is one the schema takes", () => {
    for (const [name, schema] of Object.entries(AppSettings.shape)) {
      const meta = schema.meta() as { description?: string; hotfix?: { default?: string } } | undefined;
      expect(meta?.description, name).toBeTruthy();
      if (meta?.hotfix?.default !== undefined) expect(schema.safeParse(meta.hotfix.default).success, name).toBe(true);
    }
  });
});
