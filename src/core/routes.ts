import * as z from "zod";
import { Source } from "./config.js";

/**
 * Which alerts a repository takes, as the store indexes them: a (provider, project) pair per source and project of
 * its `.github/hotfix.yml`, project "" standing for every project of the provider. Computed from the stored raw config
 * by the caller (app/routing.ts), so the store keeps settings and an index and never reads the config's schema.
 */
export interface Route {
  provider: string;
  project: string;
}

const ConfigSources = z.object({ sources: z.array(z.unknown()) });

/**
 * The routes of a repository's raw stored config (parsed YAML, the YAML text that did not parse, or null). Lenient on
 * purpose: one malformed source must not silence the others, so each is read on its own; the refusal that names the
 * mistake comes from the full config parse when an alert arrives.
 */
export function routesOf(config: unknown): Route[] {
  const parsed = ConfigSources.safeParse(config);
  if (!parsed.success) return [];
  return parsed.data.sources.flatMap((raw) => {
    const source = Source.safeParse(raw);
    if (!source.success) return [];
    const { provider, projects } = source.data;
    return projects.length === 0 ? [{ provider, project: "" }] : projects.map((project) => ({ provider, project }));
  });
}
