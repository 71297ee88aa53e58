/**
 * Which control buttons a job page enables.
 *
 * The server's `allowed_actions` is the truth (the workflow's Update validators enforce the
 * same rules). Between a state-changing event and the refetched record, the record's actions
 * belong to the old state; then the console falls back to the same table as
 * jobwire/contract/states.py, so a button is never enabled for a state that would refuse it.
 */

import { isTerminal, type JobAction, type JobRecord, type JobState } from "./types";

export const ACTIONS: readonly JobAction[] = ["pause", "resume", "cancel", "restart"];

const ALLOWED: Record<JobState, readonly JobAction[]> = {
  created: ["pause", "cancel"],
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
  completed: ["restart"],
  failed: ["resume", "restart"],
  cancelled: ["restart"],
};

export function fallbackActions(state: JobState, hasCheckpoint: boolean): JobAction[] {
  const actions = [...(ALLOWED[state] ?? [])];
  if (state === "failed" && !hasCheckpoint) return actions.filter((a) => a !== "resume");
  return actions;
}

/**
 * The actions to enable. `actionsState` is the state the server computed `allowed_actions`
 * for; `busy` is an action in flight (every button waits for its answer).
 */
export function enabledActions(
  record: JobRecord,
  actionsState: JobState | null,
  busy: JobAction | null = null,
): Set<JobAction> {
  if (busy !== null) return new Set();
  const fromServer = actionsState === null || actionsState === record.state;
  const actions = fromServer
    ? record.allowed_actions
    : fallbackActions(record.state, record.checkpoint !== null);
  return new Set(actions.filter((a) => ACTIONS.includes(a)));
}

/** What a failed job's page suggests: resume from its checkpoint if it may, else restart. */
export function nextStepForFailed(
  record: JobRecord,
  enabled: Set<JobAction>,
): "resume" | "restart" | null {
  if (record.state !== "failed") return null;
  if (enabled.has("resume")) return "resume";
  if (enabled.has("restart")) return "restart";
  return null;
}

/** Whether the console offers to delete the job: only once it has ended (a running job
 * would need a forced delete, which the console leaves to the CLI and the API). */
export function canDelete(state: JobState, busy: boolean): boolean {
  return isTerminal(state) && !busy;
}

/** Whether the console offers to fork the job: only once it has ended, as the API allows. */
export function canFork(state: JobState, busy: boolean): boolean {
  return isTerminal(state) && !busy;
}

/**
 * The phases a fork may start at: every phase of a completed job; of a failed or cancelled
 * one, those up to the phase it stopped in (the ones before it finished). The server checks
 * again against the job's history and says why where it refuses.
 */
export function forkablePhases(record: JobRecord): string[] {
  if (record.state === "completed") return [...record.phases];
  const stopped = record.error?.phase ?? record.phase ?? null;
  const index = stopped === null ? -1 : record.phases.indexOf(stopped);
  return index < 0 ? record.phases.slice(0, 1) : record.phases.slice(0, index + 1);
}

/** Whether the fork may go on from the job's checkpoint: only one kept inside that phase. */
export function canForkFromCheckpoint(record: JobRecord, phase: string): boolean {
  return record.checkpoint !== null && record.checkpoint.phase === phase;
}
