import { pathsOf } from "../pull-request.js";
import { globMatcher, placeOf, type Finding, type NarrowDiffRule } from "./finding.js";

/** Dependency manifests and lockfiles stay as they are: a dependency bump is not a hotfix. */
export const dependencies: NarrowDiffRule = (change, config) => {
  const rule = config.rules.dependencies;
  if (!rule.enabled) return [];
  const manifest = globMatcher(rule.manifests);
  return change.files.flatMap((file): Finding[] =>
    pathsOf(file).some((p) => manifest(p))
      ? [
          {
            level: rule.level,
            message: `dependency manifest or lockfile \`${file.path}\` ${file.status}; ship dependency changes outside the hotfix`,
            ...placeOf(file),
          },
        ]
      : [],
  );
};
