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

  it("asks once to resubscribe with since when a gap opens", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    const first = store.apply(event(4));
    expect(first.resubscribeSince).toBe(1);
    expect(store.apply(event(5)).resubscribeSince).toBeNull();
    // the replay closes the gap
    store.acceptAck({ job: record(), last_seq: 5 });
    expect(seqs(store.apply(event(2)).applied)).toEqual([2]);
    expect(seqs(store.apply(event(3)).applied)).toEqual([3, 4, 5]);
    expect(store.pendingCount).toBe(0);
  });

  it("asks REST for a gap the replay did not close, and reports lost what REST lacks too", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    expect(store.apply(event(4)).resubscribeSince).toBe(1);
    store.acceptAck({ job: record(), last_seq: 4 }); // replay would bring 2..4; 2, 3 trimmed
    const beyond = store.apply(event(5)); // beyond the replay: the socket will not bring 2..3
    expect(beyond.backfillSince).toBe(1);
    expect(beyond.lost).toEqual([]);
    expect(store.skipGap().lost).toEqual([]); // nothing is lost while REST is asked
    const result = store.acceptBackfill([]);
    expect(result.lost).toEqual([[2, 3]]);
    expect(seqs(result.applied)).toEqual([4, 5]);
    expect(store.lastSeq).toBe(5);
  });

  it("applies what REST brings for a gap, once each and in order", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(4));
    store.acceptAck({ job: record(), last_seq: 4 });
    expect(store.apply(event(5)).backfillSince).toBe(1);
    const result = store.acceptBackfill([event(2), event(3), event(4), event(9, "job.progress", { job_id: "job-2" })]);
    expect(result.lost).toEqual([]);
    expect(seqs(result.applied)).toEqual([2, 3, 4, 5]);
    expect(seqs(store.events)).toEqual([1, 2, 3, 4, 5]);
  });

  it("takes a job's history from REST before the socket says anything, without waiting on it", () => {
    const store = new JobEventStore("job-1", 0);
    expect(store.startBackfill()).toBe(0);
    // a live event overtakes the history: it waits, and nothing is declared lost meanwhile
    store.apply(event(4));
    store.acceptAck({ job: record(), last_seq: 4 });
    expect(store.apply(event(5)).lost).toEqual([]);
    expect(store.skipGap().lost).toEqual([]);
    const result = store.acceptBackfill([event(1), event(2), event(3), event(4)]);
    expect(seqs(result.applied)).toEqual([1, 2, 3, 4, 5]);
    expect(result.resubscribeSince).toBeNull();
    expect(result.backfillSince).toBeNull();
  });

  it("does not declare a gap lost while its resubscribe ack is on its way", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(3));
    const live = store.apply(event(9));
    expect(live.lost).toEqual([]);
    expect(live.resubscribeSince).toBeNull();
  });

  it("asks again after a resubscribe could not be sent", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(3));
    store.resubscribeFailed();
    expect(store.apply(event(4)).resubscribeSince).toBe(1);
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

describe("JobEventStore.skipGap", () => {
  it("declares a gap lost once its replay is done, and applies what waited", () => {
    const store = new JobEventStore("job-1", 0);
    store.apply(event(1));
    store.apply(event(4));
    expect(store.skipGap().lost).toEqual([]); // the replay is still on its way
    store.acceptAck({ job: record(), last_seq: 4 });
    expect(store.skipGap().backfillSince).toBe(1); // REST is asked first
    expect(store.acceptBackfill([]).lost).toEqual([]); // the replay may still come
    const result = store.skipGap();
    expect(result.lost).toEqual([[2, 3]]);
    expect(seqs(result.applied)).toEqual([4]);
    expect(store.pendingCount).toBe(0);
  });
});
