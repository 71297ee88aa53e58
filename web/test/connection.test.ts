import { describe, expect, it } from "vitest";
import { type ConnectionInput, initialConnection, nextConnection } from "../src/connection";

const run = (...inputs: ConnectionInput[]) => inputs.reduce(nextConnection, initialConnection);

describe("connection state", () => {
  it("goes live on connect and degraded when the feed says so", () => {
    expect(run({ kind: "connected" }).state).toBe("live");
    const degraded = run(
      { kind: "connected" },
      { kind: "feed_status", state: "degraded", detail: "redis down" },
    );
    expect(degraded.state).toBe("degraded");
    expect(degraded.detail).toBe("redis down");
    expect(nextConnection(degraded, { kind: "feed_status", state: "live" }).state).toBe("live");
  });

  it("shows reconnecting while socket.io-client retries and counts reconnects", () => {
    const dropped = run({ kind: "connected" }, { kind: "disconnected", willRetry: true });
    expect(dropped.state).toBe("reconnecting");
    const retrying = nextConnection(dropped, { kind: "retrying", attempt: 3 });
    expect(retrying.detail).toBe("attempt 3");
    const back = nextConnection(retrying, { kind: "connected" });
    expect(back).toMatchObject({ state: "live", reconnects: 1, attempt: 0 });
  });

  it("counts a resume for each reconnect and each return from degraded, not for the first connect", () => {
    const first = run({ kind: "connected" }, { kind: "feed_status", state: "live" });
    expect(first.resumes).toBe(0);
    const outage = run(
      { kind: "connected" },
      { kind: "feed_status", state: "degraded", detail: "redis down" },
      { kind: "feed_status", state: "degraded", detail: "still down" },
      { kind: "feed_status", state: "live" },
    );
    expect(outage).toMatchObject({ state: "live", resumes: 1, reconnects: 0 });
    const again = [
      { kind: "disconnected", willRetry: true },
      { kind: "connected" },
      { kind: "feed_status", state: "live" },
    ] as ConnectionInput[];
    expect(again.reduce(nextConnection, outage)).toMatchObject({ resumes: 2, reconnects: 1 });
  });

  it("ignores a feed status while disconnected", () => {
    const dropped = run({ kind: "connected" }, { kind: "disconnected", willRetry: true });
    expect(nextConnection(dropped, { kind: "feed_status", state: "live" }).state).toBe(
      "reconnecting",
    );
  });

  it("stays signed out after a refused token or an expired session", () => {
    const refused = run({ kind: "refused", unauthorized: true, message: "bad signature" });
    expect(refused.state).toBe("unauthorized");
    expect(nextConnection(refused, { kind: "disconnected", willRetry: true }).state).toBe(
      "unauthorized",
    );
    expect(
      run({ kind: "connected" }, { kind: "session_expired" }, { kind: "retrying", attempt: 1 })
        .state,
    ).toBe("unauthorized");
    expect(nextConnection(refused, { kind: "connected" }).state).toBe("live");
  });

  it("treats a refusal for another reason as worth retrying", () => {
    expect(run({ kind: "refused", unauthorized: false }).state).toBe("reconnecting");
  });
});
