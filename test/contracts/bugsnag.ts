/**
 * Bugsnag publishes no machine-readable API description, so its Data Access API's request shapes are kept here by hand,
 * each row from the page of its documentation that defines it. Every request must send `Authorization: token …` and
 * `X-Version: 2` (https://docs.bugsnag.com/api/data-access/#authentication, #versioning).
 */

export interface BugsnagOperation {
  method: "GET" | "PATCH";
  /** Path template, `{name}` for a path parameter. */
  path: string;
  /** Query parameters the operation takes besides `filters[…]`. */
  query: string[];
  /** Event fields the operation's filters accept (https://docs.bugsnag.com/api/data-access/filtering/). */
  filters: string[];
  doc: string;
}

/** Filter fields for events (https://docs.bugsnag.com/api/data-access/filtering/#event-fields). */
const EVENT_FILTERS = ["app.version", "app.release_stage", "event.since", "event.before", "error.status", "release.seen_in"];

export const BUGSNAG_OPERATIONS: BugsnagOperation[] = [
  {
    method: "GET",
    path: "/projects/{project_id}/releases",
    query: ["base", "sort", "direction", "per_page", "offset", "release_stage", "first_seen_after", "first_seen_before", "visible_only"],
    filters: [],
    doc: "https://bugsnagapiv2.docs.apiary.io/#reference/projects/releases/list-releases-on-a-project",
  },
  {
    method: "GET",
    path: "/projects/{project_id}/errors/{error_id}/events",
    query: ["base", "sort", "direction", "per_page", "full_reports"],
    filters: EVENT_FILTERS,
    doc: "https://bugsnagapiv2.docs.apiary.io/#reference/errors/events/list-the-events-on-an-error",
  },
  {
    method: "GET",
    path: "/projects/{project_id}/errors/{error_id}/events/latest",
    query: ["full_reports"],
    filters: [],
    doc: "https://bugsnagapiv2.docs.apiary.io/#reference/errors/events/view-the-latest-event-on-an-error",
  },
  {
    // Its body ({ operation: "fix" }) is held to test/fixtures/bugsnag-api/error-update.request.schema.json by the stand-in.
    method: "PATCH",
    path: "/projects/{project_id}/errors/{error_id}",
    query: [],
    filters: [],
    doc: "https://bugsnagapiv2.docs.apiary.io/#reference/errors/errors/update-an-error",
  },
  {
    method: "GET",
    path: "/projects/{project_id}/events",
    query: ["base", "sort", "direction", "per_page", "full_reports"],
    filters: EVENT_FILTERS,
    doc: "https://bugsnagapiv2.docs.apiary.io/#reference/errors/events/list-the-events-on-a-project",
  },
];

/** Filter types (https://docs.bugsnag.com/api/data-access/filtering/#filter-types). */
const FILTER_TYPES = ["eq", "ne", "empty"];

function matchPath(template: string, path: string): boolean {
  const pattern = template.replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${pattern}$`).test(path);
}

/** What Bugsnag would refuse in a request, in words; empty when the request is one its documentation describes. */
export function bugsnagProblems(method: string, url: URL, headers: Headers): { status: number; problems: string[] } {
  const operation = BUGSNAG_OPERATIONS.find((o) => o.method === method && matchPath(o.path, url.pathname));
  if (!operation) return { status: 404, problems: [`${method} ${url.pathname} is not an operation of Bugsnag's Data Access API`] };
  const problems: string[] = [];
  if (!/^token \S+$/.test(headers.get("authorization") ?? "")) problems.push("the Authorization header must be `token <personal auth token>`");
  if (headers.get("x-version") !== "2") problems.push("the X-Version header must be 2");
  const filters: { field: string; part: string; value: string }[] = [];
  for (const [name, value] of url.searchParams) {
    const filter = /^filters\[([^\]]+)\]\[\]\[(type|value)\]$/.exec(name);
    if (filter) filters.push({ field: filter[1] ?? "", part: filter[2] ?? "", value });
    else if (!operation.query.includes(name)) problems.push(`unknown query parameter \`${name}\` for ${operation.method} ${operation.path}`);
  }
  for (const [i, f] of filters.entries()) {
    if (!operation.filters.includes(f.field)) problems.push(`\`${f.field}\` is not a filter of ${operation.method} ${operation.path}`);
    if (f.part === "type" && !FILTER_TYPES.includes(f.value)) problems.push(`filter type \`${f.value}\` is not one of ${FILTER_TYPES.join(", ")}`);
    // Rails reads `[][type]` and `[][value]` as one filter only when each type is followed by its value.
    const partner = filters[f.part === "type" ? i + 1 : i - 1];
    if (partner?.field !== f.field || partner.part === f.part) problems.push(`filter \`${f.field}\` needs its type and value in pairs, type first`);
  }
  return { status: problems.length > 0 ? 400 : 200, problems };
}
