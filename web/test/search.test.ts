import { describe, expect, it } from "vitest";
import { jobsHref, parseRoute } from "../src/router";
import { apiFilter, matches, parseSearch } from "../src/search";
import { summarize } from "../src/views/bulkBar";

describe("the search box", () => {
  it("reads tag: words as tags and the rest as a name prefix", () => {
    expect(parseSearch("  tag:nightly alpha  tag:eu one tag:nightly ")).toEqual({
      tags: ["nightly", "eu"],
      namePrefix: "alpha one",
    });
    expect(parseSearch("")).toEqual({ tags: [], namePrefix: "" });
  });

  it("keeps its text in the URL beside state and type, so the view can be bookmarked", () => {
    const href = jobsHref("running", "trade", "tag:nightly alpha");
    expect(parseRoute(href)).toEqual({ page: "jobs", state: "running", type: "trade", q: "tag:nightly alpha" });
    expect(jobsHref("", "", "   ")).toBe("#/jobs");
  });

  it("gives the bulk action the filter the list shows", () => {
    expect(apiFilter({ state: "running", type: "", q: "tag:nightly al" })).toEqual({
      tags: ["nightly"],
      name_prefix: "al",
      state: "running",
    });
  });

  it("tells whether a new job belongs in the filtered list", () => {
    const job = { type: "trade", state: "created", name: "alpha one", tags: ["nightly", "eu"] };
    expect(matches(job, { state: "", type: "", q: "tag:nightly alpha" })).toBe(true);
    expect(matches(job, { state: "", type: "", q: "tag:weekly" })).toBe(false);
    expect(matches(job, { state: "", type: "", q: "beta" })).toBe(false);
    expect(matches(job, { state: "running", type: "", q: "" })).toBe(false);
    expect(matches({ type: "trade", state: "created" }, { state: "", type: "", q: "x" })).toBe(false);
  });
});

describe("the bulk bar's answer", () => {
  it("counts each outcome and says when more matched", () => {
    const text = summarize({
      action: "cancel",
      more: true,
      results: [
        { job_id: "a", outcome: "done" },
        { job_id: "b", outcome: "done" },
        { job_id: "c", outcome: "not_allowed", state: "completed" },
        { job_id: "d", outcome: "not_found" },
      ],
    });
    expect(text).toBe("cancel: 2 done, 1 not allowed in their state, 1 not found (more matched: run it again)");
  });

  it("says how many no worker took", () => {
    const text = summarize({
      action: "pause",
      more: false,
      results: [
        { job_id: "a", outcome: "done" },
        { job_id: "b", outcome: "no_worker", detail: "no worker took the pause within 10 s" },
      ],
    });
    expect(text).toBe("pause: 1 done, 1 not taken by any worker");
  });
});
