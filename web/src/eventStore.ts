/**
 * One job's events, applied in `seq` order exactly once.
 *
 * The feed delivers at least once and, around reconnects, replays and the user room, in
 * almost any order. The store keeps the last applied `seq` and a buffer of early arrivals:
 * a duplicate is dropped, an early event waits for the ones before it, and an open gap asks
 * the caller to resubscribe with `since` once per position.
 *
 * The socket does not bring everything: a subscribe never replays what the user room already
 * delivered to this connection (docs/protocol.md), and a page that starts following a job
 * late never saw those events. So a gap the socket will not close is asked for once from
 * REST (`GET /events?since=`, `backfillSince`); only what even REST lacks is skipped and
 * reported as lost, never waited for forever. A `job.snapshot` stands for "everything up to
 * its seq" (its events expired from Redis).
 */

import type { CheckpointSummary, JobEvent, JobRecord } from "./types";

export interface ApplyResult {
  /** Events newly applied, in order (what the page should render). */
  applied: JobEvent[];
  /** Set when a gap is open and the caller should `subscribe` again with this `since`. */
  resubscribeSince: number | null;
  /**
   * Set when the socket will not close a gap: the caller fetches the events after this seq
   * from REST and hands them to `acceptBackfill` (also when that fails, with none).
   */
  backfillSince: number | null;
  /** Seq ranges skipped because neither the live feed nor a replay brought them. */
  lost: Array<[number, number]>;
}

export interface SubscribeAckInfo {
  job: JobRecord;
  last_seq: number;
}

const MAX_EVENTS = 2000;

export class JobEventStore {
  readonly jobId: string;
  /** Last applied seq; `null` until the first ack or event says where the job stands. */
  lastSeq: number | null;
  record: JobRecord | null = null;
  /** State for which `record.allowed_actions` was computed by the server. */
  actionsState: JobRecord["state"] | null = null;
  readonly events: JobEvent[] = [];
  private pending = new Map<number, JobEvent>();
  /** The replay we asked for reaches this seq; past it, a gap that is still open is lost. */
  private replayUntil = 0;
  /** `lastSeq` at which we last asked for a resubscribe, so each gap is asked for once. */
  private askedAt: number | null = null;
  /** A resubscribe was asked for and its ack has not come yet: the replay is on its way. */
  private awaitingAck = false;
  /** `lastSeq` at which REST was last asked for the gap, so each gap is fetched once. */
  private backfilledAt: number | null = null;
  /** A REST backfill is on its way: nothing is declared lost before it answers. */
  private awaitingBackfill = false;

  constructor(jobId: string, since: number | null = 0) {
    this.jobId = jobId;
    this.lastSeq = since;
  }

  /** The `since` to send with a (re)subscribe: everything after what we already hold. */
  get since(): number {
    return this.lastSeq ?? 0;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Takes a record fetched from REST or a subscribe ack as the truth for its fields. */
  setRecord(record: JobRecord): void {
    if (record.job_id !== this.jobId) return;
    this.record = { ...record };
    this.actionsState = record.state;
  }

  /** A subscribe ack: the record, and the seq up to which the replay that follows will go. */
  acceptAck(ack: SubscribeAckInfo): ApplyResult {
    this.setRecord(ack.job);
    this.awaitingAck = false;
    this.replayUntil = Math.max(this.replayUntil, ack.last_seq);
    if (this.lastSeq === null) this.lastSeq = ack.last_seq;
    return this.settle(this.flush());
  }

  apply(event: JobEvent): ApplyResult {
    if (event.job_id !== this.jobId) return empty();
    if (event.type === "job.snapshot") return this.settle(this.applySnapshot(event));
    if (this.lastSeq !== null && event.seq <= this.lastSeq) return empty();
    if (!this.pending.has(event.seq)) this.pending.set(event.seq, event);
    return this.settle(this.flush());
  }

  /** The resubscribe asked for could not be sent (link down); the next connect will replay. */
  resubscribeFailed(): void {
    this.awaitingAck = false;
    this.askedAt = null;
  }

  /**
   * Asks for the job's history from REST before the socket says anything: a page that
   * starts following a job the user room already brought would otherwise never get the
   * events before that. The caller fetches `since` onwards and calls `acceptBackfill`.
   */
  startBackfill(): number {
    this.backfilledAt = this.since;
    this.awaitingBackfill = true;
    return this.since;
  }

  /**
   * Applies what `GET /events?since=` answered (the same envelopes the socket sends), all at
   * once: a gap is judged after the whole page, not after each of its events. Called with no
   * events when REST failed; what the gap still misses then is lost.
   */
  acceptBackfill(events: readonly JobEvent[]): ApplyResult {
    this.awaitingBackfill = false;
    const applied: JobEvent[] = [];
    for (const event of events) {
      if (event.job_id !== this.jobId) continue;
      if (event.type === "job.snapshot") {
        applied.push(...this.applySnapshot(event));
      } else if (this.lastSeq === null || event.seq > this.lastSeq) {
        if (!this.pending.has(event.seq)) this.pending.set(event.seq, event);
      }
    }
    applied.push(...this.flush());
    return this.settle(applied);
  }

  private applySnapshot(event: JobEvent): JobEvent[] {
    const known = this.events[this.events.length - 1];
    const newer = this.lastSeq === null || event.seq > this.lastSeq;
    const changed =
      known === undefined ||
      known.state !== event.state ||
      known.progress !== event.progress ||
      known.step !== event.step;
    if (!newer && !changed) return [];
    const raw = event.data["record"];
    if (raw && typeof raw === "object" && (raw as JobRecord).job_id === this.jobId) {
      this.setRecord(raw as JobRecord);
    } else {
      this.note(event);
    }
    this.lastSeq = Math.max(this.lastSeq ?? 0, event.seq);
    this.push(event);
    return [event, ...this.flush()];
  }

  private flush(): JobEvent[] {
    const out: JobEvent[] = [];
    if (this.lastSeq === null) return out;
    for (const seq of [...this.pending.keys()]) {
      if (seq <= this.lastSeq) this.pending.delete(seq);
    }
    let next = this.pending.get(this.lastSeq + 1);
    while (next !== undefined) {
      this.pending.delete(next.seq);
      this.lastSeq = next.seq;
      this.note(next);
      this.push(next);
      out.push(next);
      next = this.pending.get(this.lastSeq + 1);
    }
    return out;
  }

  /** Decides what to do about a gap still open after a flush. */
  private settle(applied: JobEvent[], into?: ApplyResult): ApplyResult {
    const result: ApplyResult = into ?? { applied, resubscribeSince: null, backfillSince: null, lost: [] };
    if (this.pending.size === 0 || this.lastSeq === null) return result;
    if (this.askedAt !== this.lastSeq) {
      this.askedAt = this.lastSeq;
      result.resubscribeSince = this.lastSeq;
      this.awaitingAck = true;
      return result;
    }
    if (this.awaitingAck || this.awaitingBackfill) return result;
    // We asked already at this position, and the replay (which comes before live events) has
    // run past its end without closing the gap: the socket will not bring those events.
    if (Math.max(...this.pending.keys()) > this.replayUntil) return this.giveUp(result);
    return result;
  }

  /**
   * Gives up on the open gap. The feed calls this when a gap stays open a while after its
   * replay (nothing newer came to prove the socket will not close it).
   */
  skipGap(into: ApplyResult = empty()): ApplyResult {
    if (this.pending.size === 0 || this.lastSeq === null) return into;
    if (this.awaitingAck || this.awaitingBackfill) return into;
    return this.giveUp(into);
  }

  /** The socket will not close the gap: REST is asked once; what it lacks too is lost. */
  private giveUp(into: ApplyResult): ApplyResult {
    if (this.backfilledAt !== this.lastSeq) {
      this.backfilledAt = this.lastSeq;
      this.awaitingBackfill = true;
      into.backfillSince = this.lastSeq;
      return into;
    }
    return this.skip(into);
  }

  /** Marks the open gap lost and applies what waits behind it. */
  private skip(into: ApplyResult): ApplyResult {
    if (this.pending.size === 0 || this.lastSeq === null) return into;
    const first = Math.min(...this.pending.keys());
    into.lost.push([this.lastSeq + 1, first - 1]);
    this.lastSeq = first - 1;
    into.applied.push(...this.flush());
    if (this.pending.size > 0) return this.settle(into.applied, into);
    return into;
  }

  private push(event: JobEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /** Folds an event into the record, so the page shows the latest state between fetches. */
  private note(event: JobEvent): void {
    if (this.record === null) return;
    const record = { ...this.record };
    record.state = event.state;
    record.progress = event.progress;
    if (event.step) record.step = event.step;
    record.updated_at = event.ts;
    // A terminal event is the moment the job finished; a resumed job is not finished any more.
    if (event.type === "job.completed" || event.type === "job.failed" || event.type === "job.cancelled") {
      record.finished_at = event.ts;
    } else if (event.type === "job.resumed" || event.type === "job.started") {
      record.finished_at = null;
    }
    // A checkpoint event's data is the summary itself; a recovery carries it under `checkpoint`.
    const checkpoint = event.type === "job.checkpoint" ? event.data : event.data["checkpoint"];
    if (isCheckpoint(checkpoint)) record.checkpoint = checkpoint;
    const phase = event.data["phase"];
    if (typeof phase === "string") record.phase = phase;
    const attempt = event.data["attempt"];
    if (typeof attempt === "number") record.attempt = attempt;
    const result = event.data["result"];
    if (event.type === "job.completed" && result && typeof result === "object") {
      record.result = result as Record<string, unknown>;
    }
    const error = event.data["error"];
    if (event.type === "job.failed" && error && typeof error === "object") {
      record.error = error as JobRecord["error"];
    }
    this.record = record;
  }
}

function isCheckpoint(value: unknown): value is CheckpointSummary {
  return (
    !!value &&
    typeof value === "object" &&
    typeof (value as CheckpointSummary).phase === "string" &&
    typeof (value as CheckpointSummary).position === "string"
  );
}

function empty(): ApplyResult {
  return { applied: [], resubscribeSince: null, backfillSince: null, lost: [] };
}

/** Event types after which the record's `allowed_actions` must be fetched again. */
export const STATE_CHANGING_EVENTS: ReadonlySet<string> = new Set([
  "job.started",
  "job.paused",
  "job.resumed",
  "job.recovered",
  "job.completed",
  "job.failed",
  "job.cancelled",
]);
