import { describe, expect, it } from "vitest";
import { routesOf } from "../../src/core/routes.js";

describe("routesOf", () => {
  it("gives a route per listed project, and project '' where a source lists none", () => {
    expect(
      routesOf({
        sources: [{ provider: "sentry", projects: ["web", "web-beta"] }, { provider: "generic", projects: [] }, { provider: "bugsnag" }],
      }),
    ).toEqual([
      { provider: "sentry", project: "web" },
      { provider: "sentry", project: "web-beta" },
      { provider: "generic", project: "" },
      { provider: "bugsnag", project: "" },
    ]);
  });

  it("reads each source on its own: a malformed one is passed over, the others still route", () => {
    expect(
      routesOf({ sources: [{ provider: "rollbar" }, { provider: "sentry", projcts: ["x"] }, { provider: "sentry", projects: ["web"] }] }),
    ).toEqual([{ provider: "sentry", project: "web" }]);
  });

  it("routes nothing for no config, YAML text that did not parse, or a config without sources", () => {
    expect(routesOf(null)).toEqual([]);
    expect(routesOf("sources: [provider: sentry")).toEqual([]);
    expect(routesOf({ issues: { labels: ["crash"] } })).toEqual([]);
  });
});
