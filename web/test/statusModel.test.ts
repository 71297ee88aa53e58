import { describe, expect, it } from "vitest";
import { MAX_HELD_EVENTS, NO_WORKER_MESSAGE, StatusModel } from "../src/statusModel";
import type { JobSummary } from "../src/types";
import { event, record } from "./fixtures";

const stats = (running: number, paused: number) => ({
  total: running + paused + 3,
  by_state: { running, paused, completed: 3 },
  by_type: {},
});

/** A seed's lists, each whole: every job listed under the state visibility has it in. */
const whole = (running: JobSummary[] = [], paused: JobSummary[] = []) => ({
  running: { items: running, complete: true },
  paused: { items: paused, complete: true },
  created: { items: [], complete: true },
});

describe("status bar model", () => {
  it("asks for a seed before it has one", () => {
    expect(new StatusModel().apply(event(1))).toBe(true);
  });

  it("counts from stats and moves jobs between states as events arrive", () => {
    const model = new StatusModel();
    model.seed(stats(1, 0), whole([record({ job_id: "job-1", progress: 10 })]));
    expect(model.view()).toMatchObject({ running: 1, paused: 0 });
    model.apply(event(5, "job.paused", { state: "paused", progress: 20 }));
    expect(model.view()).toMatchObject({ running: 0, paused: 1 });
    model.apply(event(5, "job.paused", { state: "paused" })); // a duplicate changes nothing
    expect(model.view()).toMatchObject({ running: 0, paused: 1 });
    model.apply(event(6, "job.resumed", { state: "running" }));
    model.apply(event(7, "job.completed", { state: "completed", progress: 100 }));
    expect(model.view()).toEqual({ running: 0, paused: 0, latest: null, workerWarning: null });
  });

  it("counts a new job from its job.created and shows the most recent active job", () => {
    const model = new StatusModel();
    model.seed(stats(1, 0), whole([record({ job_id: "job-1", updated_at: "2026-11-22T09:00:00Z" })]));
    expect(
      model.apply(event(1, "job.created", { job_id: "job-2", state: "created", ts: "2026-11-22T10:00:00Z" })),
    ).toBe(false);
    model.apply(event(2, "job.started", { job_id: "job-2", state: "running", progress: 3, ts: "2026-11-22T10:00:01Z" }));
    expect(model.view()).toMatchObject({ running: 2, latest: { jobId: "job-2", progress: 3 } });
  });

  it("asks for a fresh seed when an unknown active job speaks", () => {
    const model = new StatusModel();
    model.seed(stats(0, 0), whole());
    expect(model.apply(event(9, "job.progress", { job_id: "job-7" }))).toBe(true);
    expect(model.apply(event(9, "job.completed", { job_id: "job-8", state: "completed" }))).toBe(false);
  });

  it("counts a whole list by the listed jobs' own states, which lead visibility's stats", () => {
    const model = new StatusModel();
    // Visibility still counts job-1 running, but its projection says it completed.
    model.seed(stats(1, 0), whole([record({ job_id: "job-1", state: "completed", seq: 9 })]));
    expect(model.view()).toMatchObject({ running: 0, paused: 0, latest: null });
    // job-2 is listed under "created" but already runs.
    model.seed(stats(0, 0), { ...whole(), created: { items: [record({ job_id: "job-2", state: "running" })], complete: true } });
    expect(model.view()).toMatchObject({ running: 1, latest: { jobId: "job-2" } });
  });

  it("leans on the stats count for a state whose list was cut short", () => {
    const model = new StatusModel();
    const listed = [record({ job_id: "job-1" }), record({ job_id: "job-2", state: "paused" })];
    model.seed(stats(120, 0), { ...whole(), running: { items: listed, complete: false } });
    expect(model.view()).toMatchObject({ running: 119, paused: 1 });
  });

  it("applies the events that arrive during a seed on top of it, from each record's seq", () => {
    const model = new StatusModel();
    model.seed(stats(0, 0), whole());
    model.beginSeed();
    expect(model.apply(event(6, "job.paused", { job_id: "job-1", state: "paused" }))).toBe(false);
    expect(model.apply(event(7, "job.resumed", { job_id: "job-1", state: "running" }))).toBe(false);
    expect(model.apply(event(8, "job.completed", { job_id: "job-2", state: "completed", progress: 100 }))).toBe(false);
    expect(model.view()).toMatchObject({ running: 0, paused: 0 }); // held, not yet applied
    // The seed's reads saw job-1 paused at seq 6 and job-2 still running at seq 3.
    const stale = model.seed(
      stats(1, 1),
      whole([record({ job_id: "job-2", seq: 3 })], [record({ job_id: "job-1", state: "paused", seq: 6 })]),
    );
    expect(stale).toBe(false);
    expect(model.view()).toMatchObject({ running: 1, paused: 0, latest: { jobId: "job-1" } });
  });

  it("asks for another seed once more events arrive during one than it holds", () => {
    const model = new StatusModel();
    model.beginSeed();
    for (let seq = 1; seq <= MAX_HELD_EVENTS + 1; seq++) model.apply(event(seq, "job.progress", { job_id: "job-1" }));
    expect(model.seed(stats(1, 0), whole([record({ job_id: "job-1" })]))).toBe(true);
  });

  it("puts the events held during a failed seed onto what it had", () => {
    const model = new StatusModel();
    model.seed(stats(1, 0), whole([record({ job_id: "job-1", seq: 2 })]));
    model.beginSeed();
    model.apply(event(3, "job.completed", { job_id: "job-1", state: "completed", progress: 100 }));
    model.abandonSeed();
    expect(model.view()).toMatchObject({ running: 0, latest: null });
    expect(model.apply(event(4, "job.progress", { job_id: "job-9" }))).toBe(true); // no longer held
  });

  it("says jobs wait while no worker polls, and nothing once one does or the server cannot say", () => {
    const model = new StatusModel();
    expect(model.view().workerWarning).toBeNull();
    model.setWorkers({ polling: false, last_seen: "2026-12-01T05:46:02Z", message: NO_WORKER_MESSAGE });
    expect(model.view().workerWarning).toBe(`${NO_WORKER_MESSAGE} (none since 2026-12-01T05:46:02Z)`);
    model.setWorkers({ polling: false, last_seen: null, message: null });
    expect(model.view().workerWarning).toBe(NO_WORKER_MESSAGE);
    model.setWorkers({ polling: true, last_seen: "2026-12-01T05:47:00Z", message: null });
    expect(model.view().workerWarning).toBeNull();
    model.setWorkers({ polling: false, last_seen: null, message: null });
    model.setWorkers(undefined); // an older server, or Temporal did not answer
    expect(model.view().workerWarning).toBeNull();
  });
});
