import { describe, expect, it } from "vitest";
import { readActionContext } from "../../src/action/context.js";

describe("readActionContext, the runner's variables read once", () => {
  it("reads GitHub Actions' variables into the typed context", () => {
    const context = readActionContext({
      GITHUB_EVENT_NAME: "deployment_status",
      GITHUB_EVENT_PATH: "/home/runner/work/_temp/_github_workflow/event.json",
      GITHUB_SHA: "ffac537e6cbbf934b08745a378932722df287a53",
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
      GITHUB_WORKSPACE: "/home/runner/work/Hello-World/Hello-World",
      GITHUB_API_URL: "https://ghe.example.com/api/v3",
      GITHUB_SERVER_URL: "https://ghe.example.com",
      GITHUB_RUN_ID: "1658821493",
      GITHUB_STEP_SUMMARY: "/home/runner/work/_temp/_runner_file_commands/step_summary",
      SENTRY_AUTH_TOKEN: "sntrys_x",
      SENTRY_ORG: "acme",
      PATH: "/usr/bin",
    });
    expect(context).toEqual({
      eventName: "deployment_status",
      eventPath: "/home/runner/work/_temp/_github_workflow/event.json",
      sha: "ffac537e6cbbf934b08745a378932722df287a53",
      repository: "Codertocat/Hello-World",
      workspace: "/home/runner/work/Hello-World/Hello-World",
      apiUrl: "https://ghe.example.com/api/v3",
      serverUrl: "https://ghe.example.com",
      runId: "1658821493",
      hasStepSummary: true,
      reporters: { sentryToken: "sntrys_x", sentryOrg: "acme" },
    });
  });

  it("outside a runner: github.com's roots, no summary, empty variables as unset", () => {
    const context = readActionContext({ GITHUB_EVENT_NAME: "", GITHUB_STEP_SUMMARY: "", SENTRY_AUTH_TOKEN: "" });
    expect(context).toEqual({
      eventName: "",
      apiUrl: "https://api.github.com",
      serverUrl: "https://github.com",
      hasStepSummary: false,
      reporters: {},
    });
  });
});
