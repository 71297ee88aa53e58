/**
 * One followed job: docs/protocol.md's "Following a job: the client algorithm", once.
 *
 * The rules are written there; the Python client's `jobwire/client/sequencer.py` follows the
 * same ones, and both run every recorded sequence in `tests/fixtures/feed`
 * (test/feedFixtures.test.ts here). The store does no I/O: each message in gives an
 * `ApplyResult` out, the events to render, the ranges lost and the requests (a REST fetch, a
 * subscribe) the feed then makes.
 */

import type { CheckpointSummary, ControlNote, JobEvent, JobRecord } from "./types";

export type FeedRequest = { kind: "fetch"; since: number } | { kind: "subscribe"; since: number | null };

export interface ApplyResult {
  /** Events newly applied, in order (what the page should render). */
  applied: JobEvent[];
  /** Seq ranges neither the feed nor REST could bring: shown, never silent. */
  lost: Array<[number, number]>;
  /** What the feed should do next: fetch events after `since` from REST, or subscribe with it. */
  requests: FeedRequest[];
}

export interface SubscribeAckInfo {
  job: JobRecord;
  last_seq: number;
}

/** Early arrivals kept; beyond it the newest are dropped and fetched again. */
export const BUFFER_LIMIT = 256;
const MAX_EVENTS = 2000;

export class JobEventStore {
  readonly jobId: string;
  /** Last applied seq; `null` until the first ack says where the job stands. */
  lastSeq: number | null;
  record: JobRecord | null = null;
  /** The seq the record is current at. */
  recordSeq: number | null = null;
  /** The highest progress shown: it never goes back (rule 9). */
  progress = 0;
  /** State for which `record.allowed_actions` was computed by the server. */
  actionsState: JobRecord["state"] | null = null;
  readonly events: JobEvent[] = [];
  /** A subscribe is under way (every follow starts with one); its ack has not come. */
  subscribing = true;
  /** A REST fetch after this seq is under way. */
  fetching: number | null = null;
  private buffer = new Map<number, JobEvent>();
  private replayTo = 0;
  /** The last page fetched: after `since` up to this seq; what it lacks is gone. */
  private pageSpan: [number, number] | null = null;
  private tried: { at: number | null; ways: Set<string> } = { at: null, ways: new Set() };

  constructor(
    jobId: string,
    since: number | null = 0,
    private readonly bufferLimit = BUFFER_LIMIT,
  ) {
    this.jobId = jobId;
    this.lastSeq = since;
  }

  /** The `since` to send with a (re)subscribe: everything after what we already hold. */
  get since(): number {
    return this.lastSeq ?? 0;
  }

  get pendingCount(): number {
    return this.buffer.size;
  }

  /** Terminal, and every event up to the record's seq applied: nothing more will come. */
  get done(): boolean {
    const state = this.record?.state;
    return (
      (state === "completed" || state === "failed" || state === "cancelled") &&
      this.lastSeq !== null &&
      this.lastSeq >= (this.recordSeq ?? 0) &&
      this.buffer.size === 0 &&
      !this.subscribing
    );
  }

  // -- messages in (rules 1, 2, 3, 5, 7, 8) ---------------------------------------------------

  /** The feed subscribes again (reconnect, resync, or a gap): with `since` = the last seq. */
  resubscribe(): ApplyResult {
    this.subscribing = true;
    this.replayTo = 0;
    return { ...empty(), requests: [{ kind: "subscribe", since: this.lastSeq }] };
  }

  /** The subscribe could not be sent (link down); the next connect subscribes again. */
  resubscribeFailed(): void {
    this.subscribing = false;
  }

  acceptAck(ack: SubscribeAckInfo): ApplyResult {
    this.subscribing = false;
    if (this.lastSeq === null) this.lastSeq = ack.last_seq;
    this.replayTo = ack.last_seq;
    this.setRecord(ack.job, ack.last_seq);
    const out = empty();
    this.flush(out);
    return this.settle(out);
  }

  apply(event: JobEvent): ApplyResult {
    const out = empty();
    if (event.job_id !== this.jobId) return out;
    this.receive(event, out);
    return this.settle(out, this.trim());
  }

  /**
   * Starts a REST fetch of the job's events of its own: a page that follows a job its
   * connection may already have carried unkept. Returns the `since` to fetch after.
   */
  startBackfill(): number {
    const request = this.ask();
    return request.since;
  }

  /** A REST page (`GET /events?since=`), applied whole and then judged. */
  fetched(events: readonly JobEvent[], lastSeq: number): ApplyResult {
    const since = this.fetching;
    this.fetching = null;
    if (since !== null) this.pageSpan = [since, lastSeq];
    const out = empty();
    for (const event of events) if (event.job_id === this.jobId) this.receive(event, out);
    return this.settle(out, this.trim());
  }

  fetchFailed(): ApplyResult {
    this.fetching = null;
    return this.settle(empty());
  }

  /** A record at `seq` (REST, a control's answer); without one it is current at `recordSeq`. */
  setRecord(record: JobRecord, seq: number | null = null): void {
    if (record.job_id !== this.jobId) return;
    if (seq !== null && this.recordSeq !== null && seq < this.recordSeq) return;
    this.record = { ...record };
    this.actionsState = record.state;
    if (seq !== null) this.recordSeq = seq;
    this.show(record.progress);
  }

  // -- the rules' insides ---------------------------------------------------------------------

  private receive(event: JobEvent, out: ApplyResult): void {
    if (event.type === "job.snapshot") return this.snapshot(event, out);
    if (this.lastSeq !== null && event.seq <= this.lastSeq) return;
    if (!this.buffer.has(event.seq)) this.buffer.set(event.seq, event);
    if (this.replaySkipped(event.seq)) this.replayTo = 0;
    this.flush(out);
  }

  /** A replayed event past a seq neither applied nor kept: the in-order replay skipped it. */
  private replaySkipped(seq: number): boolean {
    if (this.subscribing || this.lastSeq === null || seq > this.replayTo) return false;
    for (let s = this.lastSeq + 1; s < seq; s++) if (!this.buffer.has(s)) return true;
    return false;
  }

  private snapshot(event: JobEvent, out: ApplyResult): void {
    const raw = event.data["record"];
    const record = raw && typeof raw === "object" && (raw as JobRecord).job_id === this.jobId ? (raw as JobRecord) : null;
    const repeat = this.lastSeq !== null && event.seq <= this.lastSeq;
    if (repeat && (event.seq < (this.lastSeq ?? 0) || !this.saysSomethingNew(event))) return;
    this.lastSeq = Math.max(this.lastSeq ?? 0, event.seq);
    for (const seq of [...this.buffer.keys()]) if (seq <= event.seq) this.buffer.delete(seq);
    if (record) {
      this.setRecord(record, event.seq);
    } else if (this.record && event.seq >= (this.recordSeq ?? 0)) {
      this.record = fold(this.record, event);
      this.recordSeq = event.seq;
    }
    this.handOn(event, out);
    this.flush(out);
  }

  private saysSomethingNew(event: JobEvent): boolean {
    const known = this.record;
    if (known === null || (this.recordSeq ?? 0) > event.seq) return known === null;
    return known.state !== event.state || known.progress !== event.progress || known.step !== event.step;
  }

  private flush(out: ApplyResult): void {
    if (this.lastSeq === null) return;
    for (const seq of [...this.buffer.keys()]) if (seq <= this.lastSeq) this.buffer.delete(seq);
    let next = this.buffer.get(this.lastSeq + 1);
    while (next !== undefined) {
      this.buffer.delete(next.seq);
      this.lastSeq = next.seq;
      if (this.record && next.seq > (this.recordSeq ?? 0)) {
        this.record = fold(this.record, next);
        this.recordSeq = next.seq;
      }
      this.handOn(next, out);
      next = this.buffer.get(this.lastSeq + 1);
    }
  }

  private handOn(event: JobEvent, out: ApplyResult): void {
    this.show(event.progress);
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    out.applied.push(event);
  }

  /** Progress shown only rises; the record carries the number shown. */
  private show(progress: number): void {
    this.progress = Math.max(this.progress, progress);
    if (this.record && this.record.progress !== this.progress) {
      this.record = { ...this.record, progress: this.progress };
    }
  }

  /** Drops the newest early arrivals beyond the limit; true when some had to go. */
  private trim(): boolean {
    const extra = [...this.buffer.keys()].sort((a, b) => a - b).slice(this.bufferLimit);
    for (const seq of extra) this.buffer.delete(seq);
    return extra.length > 0;
  }

  /** Rule 6: what an open gap waits for, or how it is filled, or that it is lost. */
  private settle(out: ApplyResult, overflow = false): ApplyResult {
    while (this.lastSeq !== null && this.buffer.size > 0) {
      const first = Math.min(...this.buffer.keys());
      if (this.fetching !== null) break;
      const waiting = this.subscribing || this.lastSeq < this.replayTo;
      if (waiting && !overflow) break;
      const span = this.pageSpan;
      if (span && span[0] <= this.lastSeq && this.lastSeq < span[1]) {
        this.lose(Math.min(first - 1, span[1]), out);
        continue;
      }
      const ways = this.tried.at === this.lastSeq ? this.tried.ways : new Set<string>();
      if (!ways.has("fetch")) {
        out.requests.push(this.ask());
      } else if (!ways.has("subscribe")) {
        this.tried = { at: this.lastSeq, ways: new Set([...ways, "subscribe"]) };
        out.requests.push(...this.resubscribe().requests);
      } else {
        this.lose(first - 1, out);
        continue;
      }
      break;
    }
    return out;
  }

  private ask(): { kind: "fetch"; since: number } {
    const ways = this.tried.at === this.lastSeq ? this.tried.ways : new Set<string>();
    this.tried = { at: this.lastSeq, ways: new Set([...ways, "fetch"]) };
    this.fetching = this.lastSeq ?? 0;
    return { kind: "fetch", since: this.fetching };
  }

  private lose(upto: number, out: ApplyResult): void {
    if (this.lastSeq === null) return;
    out.lost.push([this.lastSeq + 1, upto]);
    this.lastSeq = upto;
    this.flush(out);
  }
}

/**
 * The record as of `event` (rule 4): what the event says about the job replaces what it said.
 * This mirrors, field for field, the one fold every view of a job shares
 * (`jobwire/contract/folding.py`); the recorded sequences in tests/fixtures/feed hold both to it.
 */
function fold(previous: JobRecord, event: JobEvent): JobRecord {
  // An activity's `job.paused` (Temporal's own pause) says `running`: the job is paused all the same.
  const state = event.type === "job.paused" ? "paused" : event.state;
  const record: JobRecord = { ...previous, state, progress: event.progress, updated_at: event.ts };
  const pausedBy = event.data["paused_by"];
  record.paused_by = state === "paused" ? (typeof pausedBy === "string" ? pausedBy : "jobwire") : null;
  if (event.step) record.step = event.step;
  if (event.type === "job.completed" || event.type === "job.failed" || event.type === "job.cancelled") {
    record.finished_at = event.ts;
  } else if (event.type === "job.resumed" || event.type === "job.started") {
    record.finished_at = null;
  }
  const phase = event.data["phase"];
  if (typeof phase === "string") record.phase = phase;
  const attempt = event.data["attempt"];
  if (typeof attempt === "number" && Number.isInteger(attempt) && attempt >= 1) record.attempt = attempt;
  // A checkpoint event's data is the summary itself; a recovery carries it under `checkpoint`.
  const checkpoint = event.type === "job.checkpoint" ? event.data : event.data["checkpoint"];
  if (isCheckpoint(checkpoint)) record.checkpoint = checkpoint;
  const result = event.data["result"];
  if (event.type === "job.completed" && result && typeof result === "object") {
    record.result = result as Record<string, unknown>;
  }
  const error = event.data["error"];
  if (event.type === "job.failed" && error && typeof error === "object") {
    record.error = error as JobRecord["error"];
  }
  const spec = event.data["spec"];
  if (event.type === "job.created" && spec && typeof spec === "object") {
    record.spec = spec as Record<string, unknown>;
  }
  const action = CONTROLS[event.type];
  const by = event.data["by"];
  if (action && typeof by === "string") {
    const reason = event.data["reason"];
    record.last_control = { action, by, reason: typeof reason === "string" ? reason : null, at: event.ts };
  }
  return record;
}

/** The control each control event records as the record's `last_control`. */
const CONTROLS: Readonly<Record<string, ControlNote["action"]>> = {
  "job.paused": "pause",
  "job.resumed": "resume",
  "job.cancelled": "cancel",
};

function isCheckpoint(value: unknown): value is CheckpointSummary {
  return (
    !!value &&
    typeof value === "object" &&
    typeof (value as CheckpointSummary).phase === "string" &&
    typeof (value as CheckpointSummary).position === "string"
  );
}

function empty(): ApplyResult {
  return { applied: [], lost: [], requests: [] };
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
