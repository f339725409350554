import type { IssueBudget } from "./budget.js";
import type { ClockStore } from "./clock-store.js";
import type { FixStore } from "./fix-store.js";
import type { JobAdmin } from "./jobs.js";
import type { SharedPace } from "./pace.js";
import type { GroupStore, IngestStore, SettingsStore, StoreLifecycle } from "./types.js";
import type { VerifyJobStore } from "./verify-jobs.js";

/**
 * The whole store, for the code that opens it and hands its parts out (main.ts, the App's wiring, the CLI): every
 * concern of types.ts, and the parts with a file of their own (each its interface and its SQL, on sql.ts only).
 * Both implementations (sqlite.ts, the default, and postgres.ts for several replicas) pass the same tests in
 * test/store/. A caller that needs one concern takes that concern's interface instead.
 */
export interface Store extends StoreLifecycle, IngestStore, GroupStore, SettingsStore {
  /** The hotfix clock: stage times per group and round (a new group and a regression start a round in `ingest`), fix PRs, boards. */
  readonly clock: ClockStore;
  /** Fix commits, compare answers and the releases a closed crash came back in, for the regression decision. */
  readonly fixes: FixStore;
  /** The new-issue budget, exact across replicas. */
  readonly budget: IssueBudget;
  /** The outbox for operators: list, retry, drop. */
  readonly jobs: JobAdmin;
  /** GitHub's pacing windows shared by every replica (PostgreSQL); absent where one process owns the store (SQLite). */
  readonly pace?: SharedPace;
  /** The App's scheduled verifications of deployed hotfixes (app/verify-jobs.ts). */
  readonly verifyJobs: VerifyJobStore;
}

export type * from "./types.js";
