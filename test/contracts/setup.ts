import { afterEach } from "vitest";
import { checkStandinRequests } from "../../src/demo/github-standin.js";
import { checkRequest, jsonBody, serviceOf, takeContractViolations } from "./contracts.js";

/**
 * Setup of the unit tests: every request our code sends through fetch (Octokit, the reporters' API client) to GitHub,
 * Sentry or Bugsnag is checked against the service's description before nock (or anything else) sees it. One the
 * service would refuse is answered as the service would, and fails the test that sent it. Loopback stand-ins check the
 * requests they serve themselves (their host names no service): the demo's GitHub stand-in with the check set here.
 */

checkStandinRequests((request) => checkRequest("github", request));

const send = globalThis.fetch;

globalThis.fetch = async function checkedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const service = serviceOf(url);
  if (!service) return send(request);
  const text = request.body ? await request.clone().text() : "";
  const refusal = checkRequest(service, { method: request.method, url, headers: request.headers, body: jsonBody(text) });
  if (!refusal) return send(request);
  return new Response(JSON.stringify(refusal.body), { status: refusal.status, headers: { "content-type": "application/json; charset=utf-8" } });
};

afterEach(() => {
  const refused = takeContractViolations();
  if (refused.length > 0) throw new Error(`requests the services' own descriptions refuse:\n${refused.map((r) => `  - ${r}`).join("\n")}`);
});
