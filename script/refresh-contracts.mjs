#!/usr/bin/env node
// Refreshes the services' API descriptions the tests hold our requests against (test/fixtures/contracts/), reduced to
// the operations this project calls: GitHub's REST description from the @octokit/openapi package (npm pack, nothing
// installed) and Sentry's OpenAPI document from getsentry/sentry-api-schema. GitHub's GraphQL schema needs no copy: the
// tests read it from the @octokit/graphql-schema dev dependency (bump it with npm to refresh).
//
//   node script/refresh-contracts.mjs [--github-version 23.0.2] [--sentry <path to openapi-derefed.json | git ref>]
//
// A request the tests see that is not listed below fails them: add its operation here, run this, commit the fixtures.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { URL } from "node:url";
import { join } from "node:path";

const GITHUB_OPERATIONS = [
  "GET /app",
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /installation/repositories",
  "GET /repos/{owner}/{repo}/installation",
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /search/issues",
  "GET /repos/{owner}/{repo}/issues",
  "POST /repos/{owner}/{repo}/issues",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/assignees",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "GET /repos/{owner}/{repo}/pulls",
  "POST /repos/{owner}/{repo}/pulls",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "POST /repos/{owner}/{repo}/statuses/{sha}",
  "GET /repos/{owner}/{repo}/compare/{basehead}",
  "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
  "GET /repos/{owner}/{repo}/deployments",
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
];

const SENTRY_OPERATIONS = [
  "GET /api/0/organizations/{organization_id_or_slug}/events/",
  "GET /api/0/organizations/{organization_id_or_slug}/sessions/",
  "GET /api/0/organizations/{organization_id_or_slug}/releases/",
  "GET /api/0/organizations/{organization_id_or_slug}/issues/",
  "PUT /api/0/organizations/{organization_id_or_slug}/issues/",
  "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
  "PUT /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/",
  "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/",
  "GET /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/",
];

const OUT = new URL("../test/fixtures/contracts/", import.meta.url);
const SENTRY_SCHEMA_REPO = "https://github.com/getsentry/sentry-api-schema";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/** Words for people (descriptions, examples) left out: the validator reads only the shapes. */
function shapesOnly(value) {
  if (Array.isArray(value)) return value.map(shapesOnly);
  if (!value || typeof value !== "object") return value;
  const kept = {};
  for (const [key, inner] of Object.entries(value)) {
    if (["description", "summary", "example", "examples", "externalDocs"].includes(key) && typeof inner !== "object") continue;
    if (["examples", "externalDocs", "x-github", "x-octokit", "x-github-breaking-changes"].includes(key)) continue;
    kept[key] = shapesOnly(inner);
  }
  return kept;
}

/** The operations listed, requests only (parameters and bodies): answers are not what the tests check. */
function reduce(document, operations, source) {
  const paths = {};
  for (const operation of operations) {
    const [method, path] = operation.split(" ");
    const found = document.paths[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`${source} has no operation ${operation}`);
    const { parameters, requestBody, operationId } = found;
    paths[path] ??= document.paths[path].parameters ? { parameters: shapesOnly(document.paths[path].parameters) } : {};
    paths[path][method.toLowerCase()] = {
      operationId,
      ...(parameters ? { parameters: shapesOnly(parameters) } : {}),
      ...(requestBody ? { requestBody: shapesOnly(requestBody) } : {}),
      responses: { default: { description: "not vendored: the tests check requests" } },
    };
  }
  return { openapi: document.openapi, info: { title: document.info.title, version: document.info.version }, paths };
}

/**
 * Bodies Sentry's generator marks wholly required though the service takes any subset: the issue update is a partial
 * update (its documentation lists every field, nested ones too, as optional; a resolve sends only status and
 * statusDetails.inRelease).
 */
const SENTRY_PARTIAL_UPDATES = ["PUT /api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/"];

function partialUpdates(document, operations) {
  const optional = (schema) => {
    if (!schema || typeof schema !== "object") return;
    if (Array.isArray(schema.required)) delete schema.required;
    for (const inner of Object.values(schema)) optional(inner);
  };
  for (const operation of operations) {
    const [method, path] = operation.split(" ");
    optional(document.paths[path][method.toLowerCase()].requestBody.content["application/json"].schema);
  }
  return document;
}

const write = (name, document) => writeFileSync(new URL(name, OUT), `${JSON.stringify(document, null, 1)}\n`);

const work = mkdtempSync(join(tmpdir(), "contracts-"));
try {
  const githubVersion = option("github-version", "latest");
  const tarball = execFileSync("npm", ["pack", `@octokit/openapi@${githubVersion}`, "--pack-destination", work], { encoding: "utf8" })
    .trim()
    .split("\n")
    .pop();
  execFileSync("tar", ["xzf", join(work, tarball), "-C", work]);
  const github = JSON.parse(readFileSync(join(work, "package/generated/api.github.com.deref.json"), "utf8"));
  write("github-rest.json", reduce(github, GITHUB_OPERATIONS, "GitHub's REST description"));

  // Sentry publishes its document only in the repository; a path reads a copy already here, anything else is a git ref.
  const sentry = option("sentry", "main");
  let sentryText;
  let sentryVersion = sentry;
  if (sentry.endsWith(".json")) sentryText = readFileSync(sentry, "utf8");
  else {
    execFileSync("git", ["clone", "--depth", "1", "--branch", sentry, SENTRY_SCHEMA_REPO, join(work, "sentry")], { stdio: "inherit" });
    sentryText = readFileSync(join(work, "sentry", "openapi-derefed.json"), "utf8");
    sentryVersion = `${JSON.parse(readFileSync(join(work, "sentry", "package.json"), "utf8")).version} (${execFileSync("git", ["-C", join(work, "sentry"), "rev-parse", "HEAD"], { encoding: "utf8" }).trim()})`;
  }
  write("sentry.json", partialUpdates(reduce(JSON.parse(sentryText), SENTRY_OPERATIONS, "Sentry's OpenAPI document"), SENTRY_PARTIAL_UPDATES));
  console.log(
    `GitHub REST: @octokit/openapi ${github.info.version}; Sentry: sentry-api-schema ${sentryVersion}. Note both in test/fixtures/contracts/SOURCE.md.`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
