import { routesOf } from "../../src/core/routes.js";
import type { RepoSettings, SettingsStore } from "../../src/store/types.js";

/** Stores a repository's settings with the routes the App computes from their config (app/routing.ts does the same). */
export const putSettings = (store: SettingsStore, settings: RepoSettings): Promise<void> =>
  store.putRepoSettings(settings, routesOf(settings.config));
