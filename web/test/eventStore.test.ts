import { describe, expect, it } from "vitest";
import { JobEventStore } from "../src/eventStore";
import { event, record, seqs } from "./fixtures";

describe("JobEventStore", () => {
  it("applies events in seq order and buffers early arrivals", () => {
    const store = new JobEventStore("job-1", 0);
    expect(seqs(store.apply(event(2)).applied)).toEqual([]);
    expect(seqs(store.apply(event(1)).applied)).toEqual([1, 2]);
    expect(seqs(store.apply(event(3)).applied)).toEqual([3]);
    expect(store.lastSeq).toBe(3);
    expect(seqs(store.events)).toEqual([1, 2, 3]);
  });

  it("drops duplicates, before and after they were applied", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(3));
    store.apply(event(3));
    expect(seqs(store.apply(event(1)).applied)).toEqual([]);
    expect(seqs(store.apply(event(2)).applied)).toEqual([2, 3]);
    expect(seqs(store.events)).toEqual([1, 2, 3]);
  });

  it("ignores another job's events", () => {
    const store = new JobEventStore("job-1", 0);
    expect(store.apply(event(1, "job.progress", { job_id: "job-2" })).applied).toEqual([]);
    expect(store.lastSeq).toBe(0);
  });

  it("asks REST once for a gap, and subscribes with since when REST fails", () => {
    const store = new JobEventStore("job-1", 0);
    store.acceptAck({ job: record(), last_seq: 0 });
    store.apply(event(1));
    expect(store.apply(event(4)).requests).toEqual([{ kind: "fetch", since: 1 }]);
    expect(store.apply(event(5)).requests).toEqual([]); // the fetch is under way
    expect(store.fetchFailed().requests).toEqual([{ kind: "subscribe", since: 1 }]);
    // the replay closes the gap
    store.acceptAck({ job: record(), last_seq: 5 });
    expect(seqs(store.apply(event(2)).applied)).toEqual([2]);
    expect(seqs(store.apply(event(3)).applied)).toEqual([3, 4, 5]);
    expect(store.pendingCount).toBe(0);
  });

  it("reports lost what the REST page covers but lacks, and applies what waited", () => {
    const store = new JobEventStore("job-1", 0);
    store.acceptAck({ job: record(), last_seq: 0 });
    store.apply(event(1));
    expect(store.apply(event(4)).requests).toEqual([{ kind: "fetch", since: 1 }]);
    const result = store.fetched([], 4);
    expect(result.lost).toEqual([[2, 3]]);
    expect(seqs(result.applied)).toEqual([4]);
    expect(store.lastSeq).toBe(4);
  });

  it("applies what REST brings for a gap, once each and in order", () => {
    const store = new JobEventStore("job-1", 0);
    store.acceptAck({ job: record(), last_seq: 0 });
    store.apply(event(1));
    store.apply(event(4));
    store.apply(event(5));
    const result = store.fetched([event(2), event(3), event(4), event(9, "job.progress", { job_id: "job-2" })], 5);
    expect(result.lost).toEqual([]);
    expect(seqs(result.applied)).toEqual([2, 3, 4, 5]);
    expect(seqs(store.events)).toEqual([1, 2, 3, 4, 5]);
  });

  it("takes a job's history from REST before the socket says anything, without waiting on it", () => {
    const store = new JobEventStore("job-1", 0);
    expect(store.startBackfill()).toBe(0);
    // a live event overtakes the history: it waits, and nothing is asked or lost meanwhile
    store.apply(event(4));
    store.acceptAck({ job: record(), last_seq: 4 });
    const live = store.apply(event(5));
    expect(live.lost).toEqual([]);
    expect(live.requests).toEqual([]);
    const result = store.fetched([event(1), event(2), event(3), event(4)], 4);
    expect(seqs(result.applied)).toEqual([1, 2, 3, 4, 5]);
    expect(result.requests).toEqual([]);
  });

  it("does not ask for a gap or declare it lost while its subscribe ack is on its way", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(3));
    const live = store.apply(event(9));
    expect(live.lost).toEqual([]);
    expect(live.requests).toEqual([]);
  });

  it("asks for the gap after a subscribe could not be sent", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(3));
    store.resubscribeFailed();
    expect(store.apply(event(4)).requests).toEqual([{ kind: "fetch", since: 1 }]);
  });

  it("treats a snapshot as everything up to its seq", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(12));
    const snapshotRecord = record({ progress: 55, step: "from Temporal", state: "paused" });
    const result = store.apply(
      event(10, "job.snapshot", { state: "paused", data: { record: snapshotRecord } }),
    );
    expect(seqs(result.applied)).toEqual([10]);
    expect(store.lastSeq).toBe(10);
    expect(store.record?.step).toBe("from Temporal");
    expect(seqs(store.apply(event(11)).applied)).toEqual([11, 12]);
    expect(seqs(store.apply(event(9)).applied)).toEqual([]);
  });

  it("passes on a repeated snapshot only when it says something new (degraded polling)", () => {
    const store = new JobEventStore("job-1", 0);
    store.setRecord(record());
    const snap = (progress: number) =>
      event(5, "job.snapshot", {
        progress,
        step: "polling",
        data: { record: record({ progress, step: "polling" }) },
      });
    expect(store.apply(snap(40)).applied).toHaveLength(1);
    expect(store.apply(snap(40)).applied).toHaveLength(0);
    expect(store.apply(snap(45)).applied).toHaveLength(1);
    expect(store.record?.progress).toBe(45);
  });

  it("folds events into the record and keeps the ack's record as truth", () => {
    const store = new JobEventStore("job-1", 0);
    store.acceptAck({ job: record({ progress: 1 }), last_seq: 0 });
    const checkpoint = {
      phase: "fetch",
      position: "source 3 of 8",
      size_bytes: 812,
      taken_at: "2026-11-22T10:00:00Z",
    };
    store.apply(event(1, "job.checkpoint", { progress: 30, data: checkpoint }));
    store.apply(event(2, "job.paused", { state: "paused", progress: 30 }));
    expect(store.record?.state).toBe("paused");
    expect(store.record?.checkpoint).toEqual(checkpoint);
    expect(store.actionsState).toBe("running");
  });

  it("takes a terminal event's time as the finish, and forgets it when the job resumes", () => {
    const store = new JobEventStore("job-1", 0);
    store.acceptAck({ job: record(), last_seq: 0 });
    store.apply(event(1, "job.failed", { state: "failed", ts: "2026-11-22T10:05:00Z" }));
    expect(store.record?.finished_at).toBe("2026-11-22T10:05:00Z");
    store.apply(event(2, "job.resumed"));
    expect(store.record?.finished_at).toBeNull();
    store.apply(event(3, "job.completed", { state: "completed", ts: "2026-11-22T10:09:00Z" }));
    expect(store.record?.finished_at).toBe("2026-11-22T10:09:00Z");
  });

  it("with no known position takes the ack's last_seq and then applies what follows", () => {
    const store = new JobEventStore("job-1", null);
    expect(store.apply(event(8)).applied).toEqual([]);
    store.acceptAck({ job: record(), last_seq: 7 });
    expect(store.lastSeq).toBe(8);
    expect(seqs(store.events)).toEqual([8]);
  });
});
