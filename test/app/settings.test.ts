import { describe, expect, it } from "vitest";
import { AppSettings, checkSettings } from "../../src/app/settings.js";

describe("AppSettings, the App's environment", () => {
  it("takes an empty environment and empty variables as unset", () => {
    expect(checkSettings({})).toEqual({ ok: true });
    expect(checkSettings({ PORT: "", HOTFIX_SQLITE_SYNCHRONOUS: "", WEBHOOK_PROXY_URL: "" })).toEqual({ ok: true });
  });

  it("takes the values the App's readers take", () => {
    const env = {
      APP_ID: "12345",
      PORT: "8080",
      GHE_PROTOCOL: "http",
      HOTFIX_SQLITE_SYNCHRONOUS: "full",
      HOTFIX_GITHUB_CONTENT_LIMITS: "120/1m,2000/1h",
      HOTFIX_MAX_BODY_BYTES: "1048576",
      SENTRY_URL: "https://sentry.example.com",
    };
    expect(checkSettings(env)).toEqual({ ok: true });
  });

  it("names each wrong variable with what was expected and what was found", () => {
    const result = checkSettings({
      PORT: "80a",
      HOTFIX_SQLITE_SYNCHRONOUS: "OFF",
      HOTFIX_GITHUB_CONTENT_LIMITS: "80 a minute",
      SENTRY_URL: "sentry",
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      'PORT: expected a positive whole number, got "80a"',
      'HOTFIX_SQLITE_SYNCHRONOUS: expected NORMAL or FULL, got "OFF"',
      'SENTRY_URL: Invalid URL, got "sentry"',
      'HOTFIX_GITHUB_CONTENT_LIMITS: expected "<requests>/<length><s|m|h>", e.g. "80/1m", got "80 a minute"',
    ]);
  });

  it("lets other variables of the process through", () => {
    expect(checkSettings({ PATH: "/usr/bin", NODE_ENV: "production" })).toEqual({ ok: true });
    expect(Object.keys(AppSettings.shape)).toContain("WEBHOOK_PROXY_URL");
  });
});
