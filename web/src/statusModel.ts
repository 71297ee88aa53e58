/**
 * What the status bar shows: counts of the user's running and paused jobs and the progress of
 * the most recent active one, kept current from the user room's events.
 *
 * It is seeded from `GET /api/jobs/stats` (counts) and the active jobs' records; each event
 * moves its job from the state it had to the new one. An event of a job the model has not
 * seen, other than its `job.created`, means the seed is stale: the model asks to be seeded
 * again rather than guess which count the job was in.
 */

import type { JobEvent, JobState, JobStats, JobSummary, WorkerStatus } from "./types";
import { isTerminal } from "./types";

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
  private workers: WorkerStatus | null = null;

  /** Takes the server's latest word on workers (`GET /api/meta`); null or absent (an older
   * server, or Temporal did not answer) says nothing rather than cry wolf. */
  setWorkers(workers: WorkerStatus | null | undefined): void {
    this.workers = workers ?? null;
  }

  /** Replaces everything with a fresh seed. */
  seed(stats: JobStats, active: JobSummary[]): void {
    this.counts = { ...stats.by_state };
    this.jobs.clear();
    for (const record of active) {
      this.jobs.set(record.job_id, {
        jobId: record.job_id,
        type: record.type,
        state: record.state,
        progress: record.progress,
        step: record.step,
        updatedAt: record.updated_at,
        lastSeq: -1,
      });
    }
    this.seeded = true;
  }

  /** Applies one event; returns `true` when the model needs a fresh seed. */
  apply(event: JobEvent): boolean {
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
