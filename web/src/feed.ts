/**
 * The live feed over the official socket.io-client: one connection per tab.
 *
 * socket.io-client reconnects on its own; every (re)connect names each job a page follows in
 * the connect payload with `since` = the last seq that job's store applied, so the server
 * replays exactly what was missed, ahead of the user room's live events, and the store drops
 * what arrives twice. A job followed after the payload went out is subscribed by message. The user room needs
 * no subscription: every event of the user's jobs reaches `onEvent` listeners (status bar,
 * job list). `resync` (the client fell behind) is answered the same way, with `since`.
 *
 * A subscribe may leave out what the user room already brought this connection, so a page
 * that starts following a job reads its history from REST (`history`) alongside the
 * subscribe. What to do about gaps, repeats and snapshots is the store's (docs/protocol.md,
 * "Following a job: the client algorithm"); the feed carries out the fetches and subscribes
 * it asks for.
 */

import {
  type Connection,
  type ConnectionInput,
  initialConnection,
  nextConnection,
} from "./connection";
import { type ApplyResult, JobEventStore } from "./eventStore";
import type { JobEvent, Problem, SubscribeAck } from "./types";

/** The part of socket.io-client's `Socket` the feed uses (a fake stands in for it in tests). */
export interface FeedSocket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<any> };
  connect(): unknown;
  disconnect(): unknown;
  readonly connected: boolean;
  readonly active: boolean;
  auth: unknown;
  readonly io: { on(event: string, listener: (...args: any[]) => void): unknown };
}

export type EventListener = (event: JobEvent) => void;
export type ConnectionListener = (connection: Connection) => void;
export type StoreListener = (store: JobEventStore, result: ApplyResult) => void;
/** Every event of a job after `since` that the server still holds (`GET /events`). */
export type HistoryLoader = (jobId: string, since: number) => Promise<JobEvent[]>;

const ACK_TIMEOUT_MS = 10_000;
/** The server's limit on jobs named in the connect payload (docs/protocol.md). */
export const MAX_CONNECT_SUBSCRIPTIONS = 100;

export class SubscribeError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

interface Follow {
  store: JobEventStore;
  listeners: Set<StoreListener>;
  onError?: (error: SubscribeError) => void;
}

export class Feed {
  connection: Connection = initialConnection;
  private readonly socket: FeedSocket;
  private readonly eventListeners = new Set<EventListener>();
  private readonly connectionListeners = new Set<ConnectionListener>();
  private readonly follows = new Map<string, Follow>();
  /** The jobs named in the latest connect payload, answered by `subscribed` events. */
  private named = new Set<string>();

  constructor(
    socket: FeedSocket,
    private readonly history: HistoryLoader | null = null,
  ) {
    this.socket = socket;
    socket.on("connect", () => {
      this.move({ kind: "connected" });
      for (const jobId of this.follows.keys()) {
        if (!this.named.has(jobId)) void this.subscribe(jobId);
      }
    });
    socket.on("disconnect", () => {
      this.move({ kind: "disconnected", willRetry: socket.active });
      for (const follow of this.follows.values()) follow.store.resubscribeFailed();
    });
    socket.on("connect_error", (error: { message?: string; data?: { code?: string } }) => {
      const unauthorized = error?.data?.code === "unauthorized";
      this.move({ kind: "refused", unauthorized, message: error?.message });
      // A refusal by the server's middleware ends socket.io-client's retries; a bad token
      // stays refused, anything else is worth another try.
      if (!unauthorized && !socket.active) setTimeout(() => socket.connect(), 2000);
    });
    socket.io.on("reconnect_attempt", (attempt: number) => {
      this.move({ kind: "retrying", attempt });
    });
    socket.on("feed_status", (status: { state?: string; detail?: string }) => {
      this.move({ kind: "feed_status", state: String(status?.state), detail: status?.detail });
    });
    socket.on("session_expired", () => {
      this.move({ kind: "session_expired" });
    });
    socket.on("resync", (message: { job_id?: string }) => {
      if (typeof message?.job_id === "string" && this.follows.has(message.job_id)) {
        void this.subscribe(message.job_id);
      }
    });
    socket.on("subscribed", (answer: SubscribeAck & { job_id?: string }) => {
      const jobId = answer?.job_id;
      if (typeof jobId !== "string" || !this.named.delete(jobId)) return;
      const follow = this.follows.get(jobId);
      if (follow) this.answered(follow, answer);
    });
    socket.on("job_event", (event: JobEvent) => this.receive(event));
    socket.on("client_error", (problem: Problem) => {
      console.warn("the server refused a message", problem);
    });
  }

  /** Connects with `token` (or reconnects with a fresh one after a session expired). */
  start(token: string): void {
    // A function: socket.io-client calls it on every (re)connect, so each names what is
    // followed then.
    this.socket.auth = (send: (payload: object) => void) => send(this.connectPayload(token));
    this.connection = initialConnection;
    this.emitConnection();
    if (this.socket.connected) this.socket.disconnect();
    this.socket.connect();
  }

  private connectPayload(token: string): { token: string; subscriptions: object[] } {
    const subscriptions = [...this.follows.values()].slice(0, MAX_CONNECT_SUBSCRIPTIONS).map((follow) => {
      follow.store.resubscribe();
      return { job_id: follow.store.jobId, since: follow.store.since };
    });
    this.named = new Set(subscriptions.map((subscription) => subscription.job_id));
    return { token, subscriptions };
  }

  stop(): void {
    this.move({ kind: "closed" });
    this.socket.disconnect();
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    listener(this.connection);
    return () => this.connectionListeners.delete(listener);
  }

  /**
   * Follows one job: subscribes (now if connected, else on connect) with `since`, and hands
   * every newly applied event of its store to `listener`. Returns the unfollow function.
   */
  follow(
    jobId: string,
    listener: StoreListener,
    onError?: (error: SubscribeError) => void,
  ): { store: JobEventStore; unfollow: () => void } {
    let follow = this.follows.get(jobId);
    if (follow === undefined) {
      follow = { store: new JobEventStore(jobId, 0), listeners: new Set(), onError };
      this.follows.set(jobId, follow);
      if (this.history) void this.backfill(follow, follow.store.startBackfill(), false);
      if (this.socket.connected) void this.subscribe(jobId);
    }
    follow.listeners.add(listener);
    if (onError) follow.onError = onError;
    const store = follow.store;
    return {
      store,
      unfollow: () => {
        const current = this.follows.get(jobId);
        if (!current) return;
        current.listeners.delete(listener);
        if (current.listeners.size === 0) {
          this.follows.delete(jobId);
          if (this.socket.connected) {
            this.socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("unsubscribe", { job_id: jobId })
              .catch(() => undefined);
          }
        }
      },
    };
  }

  /** Subscribes with `since` = what the store holds; the replay follows the ack. */
  async subscribe(jobId: string): Promise<void> {
    const follow = this.follows.get(jobId);
    if (!follow) return;
    follow.store.resubscribe();
    let ack: SubscribeAck;
    try {
      ack = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck("subscribe", { job_id: jobId, since: follow.store.since });
    } catch {
      follow.store.resubscribeFailed(); // the next connect subscribes again
      return;
    }
    if (this.follows.get(jobId) !== follow) return;
    this.answered(follow, ack);
  }

  /** A subscribe's ack, or the `subscribed` answer to a job named at connect. */
  private answered(follow: Follow, ack: SubscribeAck): void {
    if (!ack?.ok || !ack.job) {
      const problem = ack?.error ?? { title: "subscribe failed", status: 500 };
      follow.onError?.(new SubscribeError(problem));
      return;
    }
    const result = follow.store.acceptAck({ job: ack.job, last_seq: ack.last_seq ?? 0 });
    this.deliver(follow, result, true);
  }

  private receive(event: JobEvent): void {
    if (!event || typeof event.job_id !== "string" || typeof event.seq !== "number") return;
    const follow = this.follows.get(event.job_id);
    if (follow) {
      const result = follow.store.apply(event);
      this.deliver(follow, result, false);
      for (const applied of result.applied) this.emitEvent(applied);
      return;
    }
    this.emitEvent(event);
  }

  /** Renders what the store applied and carries out the fetches and subscribes it asks for. */
  private deliver(follow: Follow, result: ApplyResult, fromAck: boolean): void {
    if (fromAck || result.applied.length || result.lost.length) {
      for (const listener of follow.listeners) listener(follow.store, result);
    }
    for (const request of result.requests) {
      if (request.kind === "fetch") void this.backfill(follow, request.since, true);
      else if (this.socket.connected) void this.subscribe(follow.store.jobId);
      // else the next connect names the job with since
    }
  }

  /**
   * Reads the job's events after `since` from REST into its store. `live` events (a gap the
   * socket left) go to the event listeners as well; a page's initial history does not, since
   * it is no news to the status bar or the job list. The pages read cover up to their last
   * event; with no REST, or REST down, the store asks for a subscribe instead.
   */
  private async backfill(follow: Follow, since: number, live: boolean): Promise<void> {
    let events: JobEvent[] | null = null;
    if (this.history) {
      try {
        events = await this.history(follow.store.jobId, since);
      } catch (error) {
        console.warn(`cannot read the events of ${follow.store.jobId} after ${since}`, error);
      }
    }
    if (this.follows.get(follow.store.jobId) !== follow) return;
    const result =
      events === null
        ? follow.store.fetchFailed()
        : follow.store.fetched(events, Math.max(since, ...events.map((event) => event.seq)));
    this.deliver(follow, result, false);
    if (live) for (const applied of result.applied) this.emitEvent(applied);
  }

  private emitEvent(event: JobEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private move(input: ConnectionInput): void {
    const next = nextConnection(this.connection, input);
    if (next === this.connection) return;
    this.connection = next;
    this.emitConnection();
  }

  private emitConnection(): void {
    for (const listener of this.connectionListeners) listener(this.connection);
  }
}
