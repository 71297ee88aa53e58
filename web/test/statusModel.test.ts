import { describe, expect, it } from "vitest";
import { NO_WORKER_MESSAGE, StatusModel } from "../src/statusModel";
import { event, record } from "./fixtures";

const stats = (running: number, paused: number) => ({
  total: running + paused + 3,
  by_state: { running, paused, completed: 3 },
  by_type: {},
});

describe("status bar model", () => {
  it("asks for a seed before it has one", () => {
    expect(new StatusModel().apply(event(1))).toBe(true);
  });

  it("counts from stats and moves jobs between states as events arrive", () => {
    const model = new StatusModel();
    model.seed(stats(1, 0), [record({ job_id: "job-1", progress: 10 })]);
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
    model.seed(stats(1, 0), [record({ job_id: "job-1", updated_at: "2026-11-22T09:00:00Z" })]);
    expect(
      model.apply(event(1, "job.created", { job_id: "job-2", state: "created", ts: "2026-11-22T10:00:00Z" })),
    ).toBe(false);
    model.apply(event(2, "job.started", { job_id: "job-2", state: "running", progress: 3, ts: "2026-11-22T10:00:01Z" }));
    expect(model.view()).toMatchObject({ running: 2, latest: { jobId: "job-2", progress: 3 } });
  });

  it("asks for a fresh seed when an unknown active job speaks", () => {
    const model = new StatusModel();
    model.seed(stats(0, 0), []);
    expect(model.apply(event(9, "job.progress", { job_id: "job-7" }))).toBe(true);
    expect(model.apply(event(9, "job.completed", { job_id: "job-8", state: "completed" }))).toBe(false);
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
