import { describe, expect, it } from "vitest";
import { Api } from "../src/api";
import type { JobEvent } from "../src/types";
import { event, seqs } from "./fixtures";

/** A fetch that answers `GET /events?since=` from `events`, at most `page` at a time. */
function eventsServer(events: JobEvent[], page: number, lastSeq = events.at(-1)?.seq ?? 0) {
  const asked: number[] = [];
  const fetcher = async (url: RequestInfo | URL) => {
    const since = Number(new URL(String(url), "http://x").searchParams.get("since"));
    asked.push(since);
    const body = { events: events.filter((e) => e.seq > since).slice(0, page), last_seq: lastSeq };
    return new Response(JSON.stringify(body), { status: 200 });
  };
  return { asked, fetcher: fetcher as typeof fetch };
}

describe("Api.history", () => {
  it("reads page after page until the last seq the server reported", async () => {
    const all = Array.from({ length: 7 }, (_, i) => event(i + 1));
    const server = eventsServer(all, 3);
    const api = new Api(() => "t", undefined, "", server.fetcher);
    expect(seqs(await api.history("job-1", 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.asked).toEqual([0, 3, 6]);
  });

  it("stops at a snapshot, which stands for every expired event before it", async () => {
    const snapshot = event(40, "job.snapshot");
    const server = eventsServer([snapshot], 3, 45);
    const api = new Api(() => "t", undefined, "", server.fetcher);
    expect(seqs(await api.history("job-1", 0))).toEqual([40]);
    expect(server.asked).toEqual([0]);
  });

  it("stops when a page brings nothing new, whatever last_seq says", async () => {
    const server = eventsServer([event(1)], 3, 9);
    const api = new Api(() => "t", undefined, "", server.fetcher);
    expect(seqs(await api.history("job-1", 0))).toEqual([1]);
    expect(server.asked).toEqual([0, 1]);
  });
});

describe("Api.deleteJob", () => {
  it("sends DELETE, with force only when asked, and takes the empty 204", async () => {
    const asked: string[] = [];
    const fetcher = (async (url: RequestInfo | URL, init?: RequestInit) => {
      asked.push(`${init?.method} ${String(url)}`);
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const api = new Api(() => "t", undefined, "", fetcher);
    await api.deleteJob("job-1");
    await api.deleteJob("job-2", true);
    expect(asked).toEqual(["DELETE /api/jobs/job-1", "DELETE /api/jobs/job-2?force=true"]);
  });

  it("raises the server's problem for a running job", async () => {
    const fetcher = (async () =>
      new Response(JSON.stringify({ title: "Action not allowed in this state", state: "running" }), {
        status: 409,
      })) as typeof fetch;
    const api = new Api(() => "t", undefined, "", fetcher);
    await expect(api.deleteJob("job-1")).rejects.toMatchObject({ problem: { status: 409, state: "running" } });
  });
});
