import { describe, expect, it } from "vitest";
import { canFork, canForkFromCheckpoint, forkablePhases } from "../src/actions";
import { Api, ApiError } from "../src/api";
import { record } from "./fixtures";

const checkpoint = {
  phase: "rank",
  position: "passage 40 of 90",
  size_bytes: 10,
  taken_at: "2026-11-22T10:00:00Z",
};

describe("forking from a phase", () => {
  it("is offered on ended jobs only, and never while an action is in flight", () => {
    expect(canFork("completed", false)).toBe(true);
    expect(canFork("failed", false)).toBe(true);
    expect(canFork("cancelled", false)).toBe(true);
    expect(canFork("running", false)).toBe(false);
    expect(canFork("paused", false)).toBe(false);
    expect(canFork("created", false)).toBe(false);
    expect(canFork("completed", true)).toBe(false);
  });

  it("offers every phase of a completed job", () => {
    expect(forkablePhases(record({ state: "completed", phase: "report" }))).toEqual(["fetch", "rank", "report"]);
  });

  it("offers a failed job's phases up to the one that failed", () => {
    const failed = record({
      state: "failed",
      phase: "rank",
      error: { type: "Boom", message: "boom", phase: "rank" },
    });
    expect(forkablePhases(failed)).toEqual(["fetch", "rank"]);
  });

  it("offers a cancelled job's phases up to the one it stopped in, or the first alone", () => {
    expect(forkablePhases(record({ state: "cancelled", phase: "fetch" }))).toEqual(["fetch"]);
    expect(forkablePhases(record({ state: "cancelled", phase: null }))).toEqual(["fetch"]);
  });

  it("goes on from a checkpoint only inside the phase that kept it", () => {
    const kept = record({ state: "failed", checkpoint });
    expect(canForkFromCheckpoint(kept, "rank")).toBe(true);
    expect(canForkFromCheckpoint(kept, "fetch")).toBe(false);
    expect(canForkFromCheckpoint(record({ state: "failed" }), "rank")).toBe(false);
  });
});

describe("Api.fork", () => {
  it("posts the request to the job's fork route and returns the new record", async () => {
    const sent: Array<[string, string | undefined, unknown]> = [];
    const fetcher = (async (url: RequestInfo | URL, init?: RequestInit) => {
      sent.push([String(url), init?.method, JSON.parse(String(init?.body))]);
      return new Response(JSON.stringify(record({ job_id: "job-2", forked_from: { job_id: "job-1", phase: "rank" } })), { status: 201 });
    }) as typeof fetch;
    const api = new Api(() => "t", undefined, "", fetcher);
    const forked = await api.fork("job-1", { from_phase: "rank", from_checkpoint: true });
    expect(sent).toEqual([["/api/jobs/job-1/fork", "POST", { from_phase: "rank", from_checkpoint: true }]]);
    expect(forked.forked_from).toEqual({ job_id: "job-1", phase: "rank" });
  });

  it("turns a refusal into an ApiError carrying the problem and its field", async () => {
    const problem = { type: "x/fork-refused", title: "Cannot fork from there", status: 422, detail: "no phase 'x'", errors: [{ field: "from_phase", message: "no phase 'x'" }] };
    const fetcher = (async () => new Response(JSON.stringify(problem), { status: 422 })) as unknown as typeof fetch;
    const api = new Api(() => "t", undefined, "", fetcher);
    const refused = await api.fork("job-1", { from_phase: "x" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).problem.errors?.[0]?.field).toBe("from_phase");
  });
});
