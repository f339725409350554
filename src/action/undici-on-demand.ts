import type * as Undici from "undici";

/**
 * What the Action bundle gives @actions/github and @actions/http-client when they import `undici` (src/action/bundle-swaps.mjs points their
 * imports here). They need it only to reach GitHub through a proxy (HTTPS_PROXY / HTTP_PROXY), yet importing it cost every
 * cold start 416 KB of code to compile and run. So undici is a chunk of its own, loaded by the first request that goes
 * through a proxy; a request without one is Node's own fetch, which Node 20 and 24 carry. On Node 20 that saved ~20 ms of
 * CPU a run; on Node 24 the first call of Node's fetch costs about what the bundled copy did (it loads Node's own undici).
 */

let undici: Promise<typeof Undici.default> | undefined;
// undici is CommonJS: its default export is the whole module, in the bundle's chunk as in Node.
const loadUndici = () => (undici ??= import("undici").then((module) => module.default));

/** http-client's proxy dispatcher, made when a proxy is configured: it keeps the options until a request needs the real agent. */
export class ProxyAgent {
  #agent: Promise<Undici.ProxyAgent> | undefined;
  constructor(private readonly options: Undici.ProxyAgent.Options) {}
  agent(): Promise<Undici.ProxyAgent> {
    return (this.#agent ??= loadUndici().then(({ ProxyAgent: Agent }) => new Agent(this.options)));
  }
}

/** @actions/github's fetch: through undici and its proxy agent when http-client gave it one, Node's fetch otherwise. */
export async function fetch(input: Undici.RequestInfo, init?: Undici.RequestInit): Promise<Undici.Response | Response> {
  const dispatcher = init?.dispatcher;
  if (!(dispatcher instanceof ProxyAgent)) return globalThis.fetch(...([input, init] as Parameters<typeof globalThis.fetch>));
  const [{ fetch: proxyFetch }, agent] = await Promise.all([loadUndici(), dispatcher.agent()]);
  return proxyFetch(input, { ...init, dispatcher: agent });
}
