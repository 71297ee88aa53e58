// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { renderResult } from "../src/results";
import type { JobEvent } from "../src/types";
import { FoundSourcesLive, SynthesisStream, searchOf } from "../src/views/research";

const result = {
  question: "How does a durable workflow recover?",
  report: "It replays its history [1].",
  citations: [
    { n: 1, text: "A workflow replays its history.", source: "Durable execution", url: "https://a.example/durable", position: "words 1-5", score: 1.5, search_rank: 2 },
    { n: 2, text: "A given note.", source: "memo", position: "words 1-3", score: 0.5, search_rank: null },
  ],
  sources: [
    { index: 0, kind: "url", name: "Durable execution", url: "https://a.example/durable", status: "fetched", passages: 3, search_rank: 2 },
  ],
  search: {
    provider: "searxng",
    query: "How does a durable workflow recover?",
    results: [
      { rank: 1, title: "Not the web", url: "javascript:alert(1)", snippet: "", source_index: null, skipped: "not an http(s) URL" },
      { rank: 2, title: "Durable execution", url: "https://a.example/durable", snippet: "replays", source_index: 0, skipped: null },
      { rank: 3, title: "Durable execution again", url: "https://a.example/durable#top", snippet: "", source_index: null, skipped: "the same page as result 2" },
    ],
  },
};

function chunk(seq: number, text: string, stream = "synthesis"): JobEvent {
  return { schema_version: 1, job_id: "job-1", user_id: "u", seq, type: "job.chunk", ts: "2026-12-01T12:00:00Z", state: "running", progress: 95, step: "", data: { text, stream } } as JobEvent;
}

describe("research from a question alone", () => {
  it("reads the search summary with ranks, read sources and skip reasons", () => {
    const search = searchOf(result);
    expect(search?.provider).toBe("searxng");
    expect(search?.results.map((r) => [r.rank, r.sourceIndex, r.skipped])).toEqual([
      [1, null, "not an http(s) URL"],
      [2, 0, ""],
      [3, null, "the same page as result 2"],
    ]);
    expect(searchOf({ question: "q", sources: [] })).toBeNull();
  });

  it("shows the question, the sources found (title, URL, rank) and never links a non-web URL", () => {
    const el = renderResult("research", result);
    expect(el.querySelector(".question")?.textContent).toContain("How does a durable workflow recover?");
    const found = el.querySelector("[data-testid=found-sources]");
    expect(found?.querySelector("h3")?.textContent).toBe("Sources found (1 read of 3)");
    const items = [...(found?.querySelectorAll("li") ?? [])];
    expect(items.map((li) => li.getAttribute("data-rank"))).toEqual(["1", "2", "3"]);
    expect(items[1].querySelector("a")?.getAttribute("href")).toBe("https://a.example/durable");
    expect(items[1].textContent).toContain("read as source 1");
    expect(items[0].querySelector("a")).toBeNull();
    expect(items[0].textContent).toContain("not read: not an http(s) URL");
    expect(el.querySelector("[href^=\"javascript\"]")).toBeNull();
    expect(el.querySelector(".more")?.textContent ?? "").not.toContain("searxng");
  });

  it("says which search result each cited passage came from", () => {
    const el = renderResult("research", result);
    const cites = [...el.querySelectorAll(".citations .cite-source")].map((c) => c.textContent);
    expect(cites[0]).toContain("search result 2");
    expect(cites[1]).not.toContain("search result");
    expect(el.querySelector(".report a.marker")?.getAttribute("href")).toBe("https://a.example/durable");
  });
});

describe("synthesis stream", () => {
  it("grows the answer from synthesis chunks only, each seq once, and hides with the result", () => {
    const stream = new SynthesisStream();
    expect(stream.el.hidden).toBe(true);
    expect(stream.add(chunk(5, "It replays "))).toBe(true);
    expect(stream.add(chunk(6, "its history [1]."))).toBe(true);
    expect(stream.add(chunk(6, "its history [1]."))).toBe(true);
    expect(stream.add(chunk(7, "tokens of something else", "text"))).toBe(false);
    expect(stream.el.hidden).toBe(false);
    expect(stream.text).toBe("It replays its history [1].");
    stream.finish(false);
    expect(stream.el.hidden).toBe(false);
    stream.finish(true);
    expect(stream.el.hidden).toBe(true);
  });
});

describe("sources found, live", () => {
  it("shows the search's list from its log line before the result, and hides with the result", () => {
    const live = new FoundSourcesLive();
    const plain = { ...chunk(3, ""), type: "job.log", data: { message: "report cites 1 passages" } } as JobEvent;
    expect(live.add(plain)).toBe(false);
    expect(live.el.hidden).toBe(true);
    const line = { ...plain, seq: 4, data: { message: "found 3 results, reading 1", search: result.search } } as JobEvent;
    expect(live.add(line)).toBe(true);
    expect(live.el.hidden).toBe(false);
    expect(live.el.querySelectorAll("li")).toHaveLength(3);
    expect(live.el.querySelector("h3")?.textContent).toBe("Sources found (1 read of 3)");
    live.finish(true);
    expect(live.el.hidden).toBe(true);
  });
});
