import { describe, expect, it } from "vitest";
import { Timeline } from "../src/timeline";
import { event, seqs } from "./fixtures";

const phase = (name: string) => ({ data: { phase: name } });

describe("timeline of steps", () => {
  it("lists each transition and the first event of each phase, not every progress tick", () => {
    const timeline = new Timeline();
    const entries = timeline.add([
      event(1, "job.created", { state: "created" }),
      event(2, "job.started"),
      event(3, "job.progress", phase("check")),
      event(4, "job.checkpoint", phase("check")),
      event(5, "job.progress", phase("execute")),
      event(6, "job.checkpoint", phase("execute")),
      event(7, "job.progress", phase("execute")),
      event(8, "job.log"),
      event(9, "job.progress", phase("settle")),
      event(10, "job.completed", { state: "completed" }),
    ]);
    expect(seqs(entries.map((e) => e.event))).toEqual([1, 2, 3, 5, 9, 10]);
    expect(entries.map((e) => e.phase)).toEqual([null, null, "check", "execute", "settle", null]);
    expect(entries.map((e) => e.kind)).toEqual(["transition", "transition", "phase", "phase", "phase", "transition"]);
  });

  it("remembers the phase across batches, so a replay in pieces gives the same steps", () => {
    const timeline = new Timeline();
    expect(timeline.add([event(1, "job.progress", phase("scan"))]).length).toBe(1);
    expect(timeline.add([event(2, "job.progress", phase("scan"))])).toEqual([]);
    expect(timeline.add([event(3, "job.progress", phase("report"))]).map((e) => e.phase)).toEqual(["report"]);
  });

  it("does not start a step again when a pause or recovery carries the same phase", () => {
    const timeline = new Timeline();
    const entries = timeline.add([
      event(1, "job.progress", phase("execute")),
      event(2, "job.paused", { state: "paused", ...phase("execute") }),
      event(3, "job.resumed", phase("execute")),
      event(4, "job.recovered", phase("execute")),
      event(5, "job.progress", phase("execute")),
    ]);
    expect(entries.map((e) => [e.event.seq, e.kind])).toEqual([
      [1, "phase"],
      [2, "transition"],
      [3, "transition"],
      [4, "transition"],
    ]);
  });
});

describe("who and why in the timeline", () => {
  it("names the user and the reason of each control, and nobody for jobwire's own", () => {
    const timeline = new Timeline();
    const entries = timeline.add([
      event(1, "job.paused", { state: "paused", data: { by: "alice", reason: "disk full" } }),
      event(2, "job.resumed", { data: { by: "alice", reason: null } }),
      event(3, "job.cancelled", { state: "cancelled", data: { by: "jobwire", reason: null } }),
    ]);
    expect(entries.map((e) => e.audit)).toEqual([
      { by: "alice", reason: "disk full" },
      { by: "alice", reason: null },
      null,
    ]);
  });

  it("names who restarted a job and why on the new job's creation", () => {
    const entries = new Timeline().add([
      event(1, "job.created", { state: "created", data: { spec: {}, by: "bob", reason: "new data" } }),
    ]);
    expect(entries[0]?.audit).toEqual({ by: "bob", reason: "new data" });
  });
});
