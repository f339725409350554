import LinkHeader from "http-link-header";
import type * as z from "zod";
import { formatIssues } from "../core/zod-problems.js";

/**
 * The one HTTP client for crash reporters' REST APIs (Sentry, Bugsnag, the App's own
 * endpoint): bearer/token auth, a timeout, retries on 429 and 5xx honouring Retry-After,
 * Link-header pagination, and errors that say which API answered what.
 */

export class ProviderApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ProviderApiError";
  }
}

export interface ApiClientOptions {
  /** Name used in error messages, e.g. "Sentry". */
  name: string;
  baseUrl: string;
  /** Full Authorization header value, e.g. "Bearer abc" or "token abc". */
  authorization?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retries?: number;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  /** Injected for tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
  /** URL of the next page from a Link header (rel="next"; Sentry adds results="true"). */
  next: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function nextLink(header: string | null): string | null {
  if (!header) return null;
  let links: LinkHeader;
  try {
    links = LinkHeader.parse(header);
  } catch {
    return null;
  }
  // Sentry always sends a next link and marks whether it has results.
  return links.get("rel", "next").find((link) => link.results !== "false")?.uri ?? null;
}

function retryDelayMs(res: Response, attempt: number): number {
  const retryAfter = res.headers.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 60_000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.min(Math.max(date - Date.now(), 0), 60_000);
  }
  return Math.min(500 * 2 ** attempt, 8_000);
}

export class ApiClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ApiClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** GET a path (or an absolute next-page URL) and validate the JSON body with `schema`. */
  async get<S extends z.ZodType>(
    pathOrUrl: string,
    schema: S,
    query?: Record<string, string | string[] | undefined>,
  ): Promise<ApiResponse<z.infer<S>>> {
    const url = new URL(pathOrUrl, this.options.baseUrl.endsWith("/") ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    }
    return this.request("GET", url, schema);
  }

  /** A JSON write (an update that is the same whatever how often it is sent, so it is retried like a read). */
  async send<S extends z.ZodType>(method: "PUT" | "PATCH", path: string, body: unknown, schema: S): Promise<ApiResponse<z.infer<S>>> {
    const url = new URL(path, this.options.baseUrl.endsWith("/") ? this.options.baseUrl : `${this.options.baseUrl}/`);
    return this.request(method, url, schema, JSON.stringify(body));
  }

  private async request<S extends z.ZodType>(method: string, url: URL, schema: S, body?: string): Promise<ApiResponse<z.infer<S>>> {
    const { name } = this.options;
    const retries = this.options.retries ?? 3;
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetch(url, {
          method,
          ...(body === undefined ? {} : { body }),
          headers: {
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(this.options.authorization ? { authorization: this.options.authorization } : {}),
            ...this.options.headers,
          },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (attempt < retries) {
          const delay = Math.min(500 * 2 ** attempt, 8_000);
          waitedMs += delay;
          await this.sleep(delay);
          continue;
        }
        const why =
          (error as Error).name === "TimeoutError"
            ? `timed out: no answer within the per-request limit of ${timeoutMs / 1000} s, ${retries + 1} times`
            : `failed ${retries + 1} times: ${(error as Error).message}`;
        throw new ProviderApiError(`${name} API: ${method} ${url.pathname} ${why}`, null);
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        // Read, not cancelled: a cancelled body of a retried answer upsets undici under interception (nock in tests).
        await res.arrayBuffer().catch(() => undefined);
        const delay = retryDelayMs(res, attempt);
        waitedMs += delay;
        await this.sleep(delay);
        continue;
      }
      const text = await res.text();
      if (!res.ok) {
        const hint =
          res.status === 401 || res.status === 403
            ? " (check the auth token and its scopes)"
            : res.status === 404
              ? " (check the organization, project and ids)"
              : res.status === 429
                ? ` (rate limited: still 429 after ${retries + 1} tries and ${Math.round(waitedMs / 1000)} s of waiting; try again later)`
                : "";
        throw new ProviderApiError(`${name} API: ${method} ${url.pathname} answered ${res.status}${hint}: ${text.slice(0, 200)}`, res.status);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ProviderApiError(`${name} API: ${method} ${url.pathname} answered ${res.status} with a body that is not JSON`, res.status);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const why = formatIssues(parsed.error.issues, json).slice(0, 3).join("; ");
        throw new ProviderApiError(`${name} API: ${method} ${url.pathname} answered an unexpected shape: ${why}`, res.status);
      }
      return { body: parsed.data, headers: res.headers, next: nextLink(res.headers.get("link")) };
    }
  }

  /** Follows next links, collecting at most `maxPages` pages. */
  async getAll<S extends z.ZodType<unknown[]>>(
    path: string,
    schema: S,
    query?: Record<string, string | string[] | undefined>,
    maxPages = 20,
  ): Promise<z.infer<S>> {
    const items: unknown[] = [];
    let page: ApiResponse<z.infer<S>> = await this.get(path, schema, query);
    items.push(...(page.body as unknown[]));
    for (let n = 1; page.next && n < maxPages; n++) {
      page = await this.get(page.next, schema);
      items.push(...(page.body as unknown[]));
    }
    return items as z.infer<S>;
  }
}
