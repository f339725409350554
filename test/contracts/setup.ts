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
  // The Request is only read here; the call goes on with the caller's own arguments. Sending the copy instead would
  // leave the caller's AbortSignal.timeout() held only weakly by the copy's signal: collected, it never fires, and a
  // request to a server that never answers hangs instead of timing out.
  const request = new Request(input, init);
  const url = new URL(request.url);
  const service = serviceOf(url);
  if (!service) return send(input, init);
  const text = request.body ? await request.clone().text() : "";
  const refusal = checkRequest(service, { method: request.method, url, headers: request.headers, body: jsonBody(text) });
  if (!refusal) return send(input, init);
  return new Response(JSON.stringify(refusal.body), { status: refusal.status, headers: { "content-type": "application/json; charset=utf-8" } });
};

afterEach(() => {
  const refused = takeContractViolations();
  if (refused.length > 0) throw new Error(`requests the services' own descriptions refuse:\n${refused.map((r) => `  - ${r}`).join("\n")}`);
});
