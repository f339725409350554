import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Kind, buildClientSchema, getVariableValues, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import formats from "ajv-formats";
import type { OpenAPIV3 } from "openapi-types";
import { OpenAPIRouter, OpenAPIValidator } from "openapi-backend";
import { bugsnagProblems } from "./bugsnag.js";

/**
 * Every request the tests see our code send to GitHub (REST and GraphQL), Sentry or Bugsnag, held against the service's
 * own published description (test/fixtures/contracts/SOURCE.md): the route exists, required parameters are there, no
 * parameter is unknown, enums and bodies are valid, GraphQL queries and their variables fit GitHub's schema. A request
 * that leaves the description gets the answer the service would give (GitHub's 404/422 or GraphQL `errors`, Sentry's
 * `detail`, Bugsnag's `errors`) and is recorded, so that the test fails even where our code survives the refusal.
 */

export type Service = "github" | "sentry" | "bugsnag";

export interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

/** The service's answer to a request it would refuse. */
export interface Refusal {
  status: number;
  body: unknown;
}

const violations: string[] = [];

/** The refusals recorded since the last call, emptied: a test that sends a bad request on purpose takes its own. */
export function takeContractViolations(): string[] {
  return violations.splice(0);
}

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/contracts/${name}`, import.meta.url), "utf8"));

interface OpenApiContract {
  router: OpenAPIRouter;
  validator: OpenAPIValidator;
}

/**
 * OpenAPI 3.0's `nullable` beside `oneOf`/`anyOf` and no `type` (as GitHub writes `milestone`): Ajv reads `nullable`
 * only beside a `type`, so such a schema becomes "this, or null".
 */
function nullableWithoutType(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableWithoutType);
  if (!value || typeof value !== "object") return value;
  const schema = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, nullableWithoutType(inner)]));
  if (schema.nullable !== true || "type" in schema) return schema;
  const { nullable: _nullable, ...rest } = schema;
  return { anyOf: [rest, { type: "null" }] };
}

function openApiContract(name: string): () => OpenApiContract {
  let built: OpenApiContract | undefined;
  return () => {
    if (built) return built;
    const described = nullableWithoutType(fixture(name)) as OpenAPIV3.Document;
    // The router drops a request path's trailing slash (Sentry's paths all end in one): the described paths lose theirs too.
    const paths = Object.fromEntries(Object.entries(described.paths).map(([path, item]) => [path.replace(/(?<=.)\/$/, ""), item]));
    const definition: OpenAPIV3.Document = { ...described, paths };
    const router = new OpenAPIRouter({ definition });
    // Parameters arrive as strings: coerce them to the described types before checking them.
    const validator = new OpenAPIValidator({
      definition,
      router,
      lazyCompileValidators: true,
      coerceTypes: true,
      ajvOpts: { strict: false },
      // GitHub's own format of an `owner/name` (creating a PR's `head_repo`), which Ajv does not know.
      customizeAjv: (ajv) => addFormats(ajv).addFormat("repo.nwo", /^[\w.-]+\/[\w.-]+$/),
    });
    built = { router, validator };
    return built;
  };
}

// ajv-formats is CommonJS: its function is the default export's own default.
const addFormats = formats.default;

const githubRest = openApiContract("github-rest.json");
const sentryRest = openApiContract("sentry.json");

let githubSchema: GraphQLSchema | undefined;
function githubGraphqlSchema(): GraphQLSchema {
  if (githubSchema) return githubSchema;
  // The package exports only its entry, which builds a schema of its own on import. Its SDL names one field twice,
  // which buildSchema refuses; the introspection JSON (what the package's own validate reads) holds.
  const folders = createRequire(import.meta.url).resolve.paths("@octokit/graphql-schema") ?? [];
  const schemaPath = folders.map((folder) => join(folder, "@octokit/graphql-schema/schema.json")).find((path) => existsSync(path));
  if (!schemaPath) throw new Error("@octokit/graphql-schema is not installed (a dev dependency)");
  return (githubSchema = buildClientSchema(JSON.parse(readFileSync(schemaPath, "utf8"))));
}

/** Problems with a request as an OpenAPI description reads it, or the route's absence. */
function openApiProblems(contract: OpenApiContract, request: SentRequest, path: string): { known: boolean; problems: string[] } {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.url.searchParams.keys())) {
    const values = request.url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  const req = { method: request.method.toLowerCase(), path, query, headers: Object.fromEntries(request.headers), body: request.body };
  const operation = contract.router.matchOperation(req);
  if (!operation) return { known: false, problems: [`${request.method} ${path} is not an operation in the description`] };
  // A parameter the description calls an array may be sent once: the validator is told it is a list of one.
  for (const parameter of operation.parameters ?? []) {
    if ("in" in parameter && parameter.in === "query" && typeof query[parameter.name] === "string") {
      const schema = (parameter as { schema?: { type?: string } }).schema;
      if (schema?.type === "array") query[parameter.name] = [query[parameter.name] as string];
    }
  }
  const result = contract.validator.validateRequest(req, operation);
  const problems = (result.errors ?? []).map((e) => {
    const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "request";
    const extra = e.params && "additionalProperty" in e.params ? ` \`${String(e.params.additionalProperty)}\`` : "";
    const allowed = e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : "";
    return `${operation.method.toUpperCase()} ${operation.path}: ${where} ${e.message ?? "is invalid"}${extra}${allowed}`;
  });
  return { known: true, problems };
}

function graphqlProblems(request: SentRequest): string[] {
  const body = request.body as { query?: unknown; variables?: Record<string, unknown> } | undefined;
  if (typeof body?.query !== "string") return ["the body has no `query` string"];
  let document;
  try {
    document = parse(body.query);
  } catch (error) {
    return [(error as Error).message];
  }
  const schema = githubGraphqlSchema();
  const errors = validate(schema, document).map((e) => e.message);
  if (errors.length > 0) return errors;
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return ["the document has no operation"];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables ?? {});
  return coerced.errors?.map((e) => e.message) ?? [];
}

/** GitHub Enterprise Server serves the API under /api/v3, and GitHub's own Link headers name a repository by id. */
function githubPath(url: URL): string {
  return url.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/^\/repositories\/\d+\//, "/repos/{id-owner}/{id-repo}/");
}

/** Checks `request` against `service`'s description; null when it conforms, else the service's refusal. */
export function checkRequest(service: Service, request: SentRequest): Refusal | null {
  try {
    return refusalOf(service, request);
  } catch (error) {
    // The check itself failed (a description its validator cannot read): the request goes on, the test fails.
    violations.push(`${service}: ${request.method} ${request.url.pathname}: could not be checked: ${(error as Error).message}`);
    return null;
  }
}

function refusalOf(service: Service, request: SentRequest): Refusal | null {
  const refuse = (refusal: Refusal, problems: string[]): Refusal => {
    violations.push(...problems.map((p) => `${service}: ${request.method} ${request.url.pathname}${request.url.search}: ${p}`));
    return refusal;
  };
  if (service === "github") {
    const path = githubPath(request.url);
    if (request.method === "POST" && path === "/graphql") {
      const problems = graphqlProblems(request);
      // GitHub answers a query that fails validation with 200 and `errors`, no `data`.
      return problems.length === 0 ? null : refuse({ status: 200, body: { errors: problems.map((message) => ({ message })) } }, problems);
    }
    const { known, problems } = openApiProblems(githubRest(), request, path);
    if (problems.length === 0) return null;
    const documentation_url = "https://docs.github.com/rest";
    if (!known) return refuse({ status: 404, body: { message: "Not Found", documentation_url, status: "404" } }, problems);
    return refuse({ status: 422, body: { message: `Invalid request.\n\n${problems.join("\n")}`, documentation_url, status: "422" } }, problems);
  }
  if (service === "sentry") {
    const { known, problems } = openApiProblems(sentryRest(), request, request.url.pathname);
    if (problems.length === 0) return null;
    if (!known) return refuse({ status: 404, body: { detail: "The requested resource does not exist" } }, problems);
    return refuse({ status: 400, body: { detail: problems.join("; ") } }, problems);
  }
  const { status, problems } = bugsnagProblems(request.method, request.url, request.headers);
  return problems.length === 0 ? null : refuse({ status, body: { errors: problems } }, problems);
}

/** The service a request to `url` goes to, by its host: GitHub's API, Sentry (sentry.io or a self-hosted `sentry.*`), Bugsnag. */
export function serviceOf(url: URL): Service | null {
  const host = url.hostname;
  if (host === "api.github.com" || /(^|\.)github\./.test(host)) return "github";
  if (/(^|\.)sentry\b/.test(host)) return "sentry";
  if (/(^|\.)bugsnag\b/.test(host)) return "bugsnag";
  return null;
}

/** The JSON body of a request as bytes or text, parsed; undefined when there is none. */
export function jsonBody(text: string): unknown {
  return text ? JSON.parse(text) : undefined;
}
