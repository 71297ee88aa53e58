/**
 * What the status bar shows: counts of the user's running and paused jobs and the progress of
 * the most recent active one, kept current from the user room's events.
 *
 * It is seeded from `GET /api/jobs/stats` and the lists of active jobs; each event then moves
 * its job from the state it had to the new one. Two things keep a seed honest:
 *
 * - Visibility (which answers stats and lists) trails the feed by seconds, while a listed
 *   job's state is its projection's, which does not. So a state whose list came back whole is
 *   counted from the listed jobs themselves; only a longer list leans on the stats count.
 * - The seed's reads may predate events that arrive while they are in flight, so those events
 *   are held and applied on top of the seed, each job's from the seq its record is current at.
 *
 * An event of a job the model has not seen, other than its `job.created`, means the seed is
 * stale: the model asks to be seeded again rather than guess which count the job was in.
 */

import type { JobEvent, JobState, JobStats, JobSummary, WorkerStatus } from "./types";
import { isTerminal } from "./types";

/** Events held while a seed is in flight, at most; past this the seed is read again, since a
 * feed that busy has outrun whatever the seed could say. */
export const MAX_HELD_EVENTS = 1_000;

/** One state's list as a seed read it: the jobs visibility has in that state, with their
 * projections' fields, and whether that was all of them. */
export interface ListedState {
  items: JobSummary[];
  complete: boolean;
}

export interface ActiveJob {
  jobId: string;
  type: string;
  state: JobState;
  progress: number;
  step: string;
  updatedAt: string;
}

export interface StatusView {
  running: number;
  paused: number;
  latest: ActiveJob | null;
  /** Why jobs may not move: no worker polls the task queue. Null while workers poll. */
  workerWarning: string | null;
}

export const NO_WORKER_MESSAGE = "no worker is running: jobs wait";

export class StatusModel {
  private counts: Partial<Record<JobState, number>> = {};
  private jobs = new Map<string, ActiveJob & { lastSeq: number }>();
  private seeded = false;
  private held: JobEvent[] | null = null;
  private overflowed = false;
  private workers: WorkerStatus | null = null;

  /** Takes the server's latest word on workers (`GET /api/meta`); null or absent (an older
   * server, or Temporal did not answer) says nothing rather than cry wolf. */
  setWorkers(workers: WorkerStatus | null | undefined): void {
    this.workers = workers ?? null;
  }

  /** Holds the events that arrive from now until `seed` or `abandonSeed`. */
  beginSeed(): void {
    this.held ??= [];
  }

  /** Replaces everything with a fresh seed, then applies the events held since `beginSeed`.
   * Returns `true` when the model needs yet another seed. */
  seed(stats: JobStats, listed: Partial<Record<JobState, ListedState>>): boolean {
    const latest = new Map<string, JobSummary>();
    this.counts = { ...stats.by_state };
    for (const [state, list] of Object.entries(listed) as Array<[JobState, ListedState]>) {
      this.counts[state] = list.complete ? 0 : Math.max(0, (stats.by_state[state] ?? 0) - list.items.length);
      for (const record of list.items) {
        const seen = latest.get(record.job_id);
        if (!seen || (record.seq ?? 0) > (seen.seq ?? 0)) latest.set(record.job_id, record);
      }
    }
    this.jobs.clear();
    for (const record of latest.values()) {
      this.bump(record.state, +1);
      this.jobs.set(record.job_id, {
        jobId: record.job_id,
        type: record.type,
        state: record.state,
        progress: record.progress,
        step: record.step,
        updatedAt: record.updated_at,
        lastSeq: record.seq ?? -1,
      });
    }
    this.seeded = true;
    return this.releaseHeld();
  }

  /** The seed failed: the held events go onto what the model had. One that asks for a seed
   * asks again with the job's next event, or the next reconnect seeds anyway; asking now
   * would retry a failing read at once. */
  abandonSeed(): void {
    this.releaseHeld();
  }

  /** Applies one event; returns `true` when the model needs a fresh seed. */
  apply(event: JobEvent): boolean {
    if (this.held) {
      if (this.held.length >= MAX_HELD_EVENTS) this.overflowed = true;
      else this.held.push(event);
      return false;
    }
    if (!this.seeded) return true;
    const known = this.jobs.get(event.job_id);
    if (known && event.seq <= known.lastSeq) return false;
    if (!known) {
      if (event.type !== "job.created" && !isTerminal(event.state)) return true;
      if (event.type !== "job.created") return false; // a closed job we never counted as active
      this.bump(event.state, +1);
      this.track(event, event.job_id, undefined);
      return false;
    }
    if (known.state !== event.state) {
      this.bump(known.state, -1);
      this.bump(event.state, +1);
    }
    this.track(event, event.job_id, known.type);
    return false;
  }

  view(): StatusView {
    let latest: ActiveJob | null = null;
    for (const job of this.jobs.values()) {
      if (isTerminal(job.state)) continue;
      if (latest === null || job.updatedAt > latest.updatedAt) latest = job;
    }
    return {
      running: this.counts.running ?? 0,
      paused: this.counts.paused ?? 0,
      latest,
      workerWarning: this.workerWarning(),
    };
  }

  private workerWarning(): string | null {
    if (this.workers === null || this.workers.polling) return null;
    const message = this.workers.message ?? NO_WORKER_MESSAGE;
    return this.workers.last_seen ? `${message} (none since ${this.workers.last_seen})` : message;
  }

  private releaseHeld(): boolean {
    const held = this.held ?? [];
    const overflowed = this.overflowed;
    this.held = null;
    this.overflowed = false;
    let stale = overflowed;
    for (const event of held) stale = this.apply(event) || stale;
    return stale;
  }

  private track(event: JobEvent, jobId: string, type: string | undefined): void {
    const spec = event.data["spec"] as { type?: string } | undefined;
    this.jobs.set(jobId, {
      jobId,
      type: type ?? (typeof event.data["type"] === "string" ? (event.data["type"] as string) : spec?.type ?? ""),
      state: event.state,
      progress: event.progress,
      step: event.step,
      updatedAt: event.ts,
      lastSeq: event.seq,
    });
  }

  private bump(state: JobState, delta: number): void {
    this.counts[state] = Math.max(0, (this.counts[state] ?? 0) + delta);
  }
}
