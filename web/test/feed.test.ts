import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Feed, type FeedSocket } from "../src/feed";
import type { JobEvent } from "../src/types";
import { event, record, seqs } from "./fixtures";

type Listener = (...args: any[]) => void;

/** An in-memory stand-in for socket.io-client's Socket, recording what the feed sends. */
class FakeSocket implements FeedSocket {
  connected = false;
  active = false;
  auth: unknown = null;
  sent: Array<{ event: string; payload: any }> = [];
  acks: Array<(payload: any) => unknown> = [];
  private listeners = new Map<string, Listener[]>();
  private managerListeners = new Map<string, Listener[]>();
  readonly io = {
    on: (name: string, listener: Listener) => {
      this.managerListeners.set(name, [...(this.managerListeners.get(name) ?? []), listener]);
    },
  };

  on(name: string, listener: Listener): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  timeout() {
    return {
      emitWithAck: async (name: string, payload: unknown) => {
        this.sent.push({ event: name, payload });
        const answer = this.acks.shift();
        if (!answer) throw new Error("timeout");
        return answer(payload);
      },
    };
  }

  connect(): void {
    this.active = true;
  }

  disconnect(): void {
    this.active = false;
    this.connected = false;
  }

  fire(name: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }

  fireManager(name: string, ...args: unknown[]): void {
    for (const listener of this.managerListeners.get(name) ?? []) listener(...args);
  }

  /** The connect payload of each connection, as socket.io-client builds it. */
  payloads: any[] = [];

  up(): void {
    this.open();
    this.confirm();
  }

  /** socket.io-client builds the connect payload as the link opens ... */
  open(): void {
    if (typeof this.auth === "function") this.auth((payload: unknown) => this.payloads.push(payload));
    else this.payloads.push(this.auth);
  }

  /** ... and the server confirms, then answers each job the payload named, from `acks`. */
  confirm(): void {
    this.connected = true;
    this.fire("connect");
    for (const subscription of this.payloads.at(-1)?.subscriptions ?? []) {
      const answer = this.acks.shift();
      if (answer) this.fire("subscribed", { job_id: subscription.job_id, ...(answer(subscription) as object) });
    }
  }

  drop(): void {
    this.connected = false;
    this.fire("disconnect", "transport close");
  }

  /** The subscribes sent as messages. */
  subscribes(): Array<{ job_id: string; since: number }> {
    return this.sent.filter((s) => s.event === "subscribe").map((s) => s.payload);
  }

  /** The jobs named in the latest connect payload. */
  named(): Array<{ job_id: string; since: number }> {
    return this.payloads.at(-1)?.subscriptions ?? [];
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Feed", () => {
  let socket: FakeSocket;
  let feed: Feed;
  let shown: JobEvent[];

  beforeEach(() => {
    socket = new FakeSocket();
    feed = new Feed(socket);
    shown = [];
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const follow = () =>
    feed.follow("job-1", (_store, result) => {
      shown.push(...result.applied);
    });

  /** Follows job-1 on a live link whose subscribe is answered at 0, and shows event 1. */
  const followLive = async () => {
    feed.start("t");
    follow();
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 0 }));
    socket.up();
    await flush();
    socket.fire("job_event", event(1));
  };

  it("connects with the token in the auth payload", () => {
    feed.start("t0ken");
    socket.up();
    expect(socket.payloads).toEqual([{ token: "t0ken", subscriptions: [] }]);
    expect(socket.active).toBe(true);
  });

  it("names followed jobs at connect and shows the replay after the answer", async () => {
    feed.start("t");
    follow();
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 2 }));
    socket.up();
    await flush();
    expect(socket.named()).toEqual([{ job_id: "job-1", since: 0 }]);
    expect(socket.subscribes()).toEqual([]);
    socket.fire("job_event", event(1));
    socket.fire("job_event", event(2));
    expect(seqs(shown)).toEqual([1, 2]);
  });

  it("resubscribes with since after a reconnect and shows every missed event once, in order", async () => {
    await followLive();
    socket.fire("job_event", event(2));
    socket.drop();
    expect(feed.connection.state).toBe("reconnecting");
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 5 }));
    socket.up();
    await flush();
    expect(feed.connection).toMatchObject({ state: "live", reconnects: 1 });
    expect(socket.named()).toEqual([{ job_id: "job-1", since: 2 }]);
    expect(socket.subscribes()).toEqual([]);
    // the replay, with a duplicate from the user room interleaved
    for (const seq of [3, 4, 4, 2, 5]) socket.fire("job_event", event(seq));
    expect(seqs(shown)).toEqual([1, 2, 3, 4, 5]);
  });

  it("answers resync by subscribing again with its last seq", async () => {
    await followLive();
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 3 }));
    socket.fire("resync", { job_id: "job-1", since: 1, reason: "slow consumer" });
    await flush();
    expect(socket.subscribes()).toEqual([{ job_id: "job-1", since: 1 }]);
    socket.fire("resync", { job_id: "job-other", since: 1 });
    expect(socket.subscribes()).toHaveLength(1);
  });

  it("subscribes by message a job followed after the connect payload went out", async () => {
    let answers = 0;
    feed.start("t");
    socket.open();
    feed.follow("job-1", () => answers++);
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 1 }));
    socket.confirm();
    await flush();
    expect(socket.named()).toEqual([]);
    expect(socket.subscribes()).toEqual([{ job_id: "job-1", since: 0 }]);
    expect(answers).toBe(1);
    socket.fire("subscribed", { job_id: "job-1", ok: true, job: record(), last_seq: 9 });
    expect(answers).toBe(1); // an answer to a job this connection did not name is ignored
  });

  it("without REST resubscribes when a gap opens and shows the lost range the replay skips", async () => {
    const lost: Array<[number, number]> = [];
    feed.start("t");
    feed.follow("job-1", (_s, result) => {
      shown.push(...result.applied);
      lost.push(...result.lost);
    });
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 0 }));
    socket.up();
    await flush();
    socket.fire("job_event", event(1));
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 4 }));
    socket.fire("job_event", event(4));
    await flush();
    expect(socket.subscribes().at(-1)).toEqual({ job_id: "job-1", since: 1 });
    expect(lost).toEqual([]);
    // the replay (in order) jumps to 3: 2 is gone from the feed
    socket.fire("job_event", event(3));
    socket.fire("job_event", event(4));
    expect(lost).toEqual([[2, 2]]);
    expect(seqs(shown)).toEqual([1, 3, 4]);
  });

  it("reads from REST the history the user room brought before the page followed the job", async () => {
    // The server never replays what it already sent this connection through the user room.
    const asked: Array<[string, number]> = [];
    const history = async (jobId: string, since: number) => {
      asked.push([jobId, since]);
      return [1, 2, 3].filter((seq) => seq > since).map((seq) => event(seq));
    };
    feed = new Feed(socket, history);
    const seen: JobEvent[] = [];
    feed.onEvent((e) => seen.push(e));
    feed.start("t");
    socket.up();
    for (const seq of [1, 2, 3]) socket.fire("job_event", event(seq)); // the job list's time
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 3 })); // and no replay
    follow();
    await flush();
    expect(asked).toEqual([["job-1", 0]]);
    expect(socket.subscribes()).toEqual([{ job_id: "job-1", since: 0 }]);
    socket.fire("job_event", event(4));
    expect(seqs(shown)).toEqual([1, 2, 3, 4]);
    expect(seqs(seen)).toEqual([1, 2, 3, 4]); // the history is no news to the listeners
  });

  it("fills a gap the socket leaves from REST before declaring anything lost", async () => {
    const lost: Array<[number, number]> = [];
    const asked: number[] = [];
    feed = new Feed(socket, async (_jobId, since) => {
      asked.push(since);
      return since === 0 ? [] : [2, 3, 4].map((seq) => event(seq));
    });
    feed.start("t");
    feed.follow("job-1", (_s, result) => {
      shown.push(...result.applied);
      lost.push(...result.lost);
    });
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 0 }));
    socket.up();
    await flush();
    socket.fire("job_event", event(1));
    socket.fire("job_event", event(4));
    await flush();
    expect(asked).toEqual([0, 1]);
    expect(lost).toEqual([]);
    expect(seqs(shown)).toEqual([1, 2, 3, 4]);
    expect(socket.subscribes()).toEqual([]); // REST closed it: no resubscribe
  });

  it("subscribes with since for a gap when REST fails, and shows what the replay brings", async () => {
    feed = new Feed(socket, async (_jobId, since) => {
      if (since > 0) throw new Error("503");
      return [];
    });
    await followLive();
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 3 }));
    socket.fire("job_event", event(3));
    await flush();
    expect(socket.subscribes()).toEqual([{ job_id: "job-1", since: 1 }]);
    socket.fire("job_event", event(2));
    socket.fire("job_event", event(3));
    expect(seqs(shown)).toEqual([1, 2, 3]);
  });

  it("passes the user room's events of other jobs to event listeners", () => {
    const seen: JobEvent[] = [];
    feed.onEvent((e) => seen.push(e));
    feed.start("t");
    socket.up();
    socket.fire("job_event", event(7, "job.progress", { job_id: "job-9" }));
    expect(seen.map((e) => e.job_id)).toEqual(["job-9"]);
  });

  it("tracks feed_status and a refused token", () => {
    const states: string[] = [];
    feed.onConnection((c) => states.push(c.state));
    feed.start("t");
    socket.up();
    socket.fire("feed_status", { state: "degraded", detail: "redis down" });
    socket.fire("feed_status", { state: "live" });
    socket.fire("connect_error", { message: "bad token", data: { code: "unauthorized" } });
    expect(states).toEqual(["connecting", "connecting", "live", "degraded", "live", "unauthorized"]);
  });

  it("reports a subscribe refused by the server (another user's job is not found)", async () => {
    const errors: number[] = [];
    feed.start("t");
    feed.follow(
      "job-1",
      () => undefined,
      (error) => errors.push(error.problem.status),
    );
    socket.acks.push(() => ({ ok: false, error: { title: "Not Found", status: 404 } }));
    socket.up();
    await flush();
    expect(errors).toEqual([404]);
  });

  it("unsubscribes when the last page stops following", async () => {
    feed.start("t");
    const { unfollow } = follow();
    socket.acks.push(() => ({ ok: true, job: record(), last_seq: 0 }));
    socket.up();
    await flush();
    socket.acks.push(() => ({ ok: true }));
    unfollow();
    expect(socket.sent.at(-1)).toEqual({ event: "unsubscribe", payload: { job_id: "job-1" } });
  });
});
