// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { renderResult } from "../src/results";
import { rankSources } from "../src/sourceRanks";
import { tradeData, tradeSummary, tradeTooltip } from "../src/tradeData";

const trade = {
  arrival_price: "100.0000",
  fills: [
    { slice: 0, client_order_id: "job-1:slice-0000", quantity: "50", price: "100.1100", ts: "2026-12-01T10:00:01Z" },
    { slice: 2, client_order_id: "job-1:slice-0002", quantity: "150", price: "99.9000", ts: "2026-12-01T10:00:03Z" },
  ],
  price_path: [
    { step: 0, price: "100.0000" },
    { step: 2, price: "100.1000" },
    { step: 3, price: "99.8900" },
  ],
};

describe("a trade's fills against its price path", () => {
  it("puts each fill at the step its slice traded at, beside the market price", () => {
    const data = tradeData(trade);
    expect(data?.x).toEqual([0, 1, 2, 3]);
    expect(data?.market).toEqual([100, null, 100.1, 99.89]);
    expect(data?.fills).toEqual([null, 100.11, null, 99.9]);
    expect(data?.arrival).toBe(100);
  });

  it("names the step, market, fill and arrival under the cursor", () => {
    const data = tradeData(trade);
    expect(data && tradeTooltip(data, 3)).toEqual(["step 3", "market 99.8900", "fill of slice 2: 99.9000 × 150", "arrival 100.0000"]);
    expect(data && tradeTooltip(data, 0)).toEqual(["step 0 (arrival)", "market 100.0000", "arrival 100.0000"]);
  });

  it("summarizes the chart in words", () => {
    const data = tradeData(trade);
    expect(data && tradeSummary(data)).toBe(
      "Fills against the price path: 2 fills over 4 steps; arrival price 100.0000;" +
        " market from 99.8900 to 100.1000; fills from 99.9000 to 100.1100",
    );
  });

  it("draws nothing for a result with neither a path nor fills", () => {
    expect(tradeData({ arrival_price: 100 })).toBeNull();
    expect(tradeData({ fills: [{ slice: "x" }], price_path: [{ step: 0, price: 1 }] })).toBeNull();
  });

  it("renders the chart with its arrival price and text alternative", () => {
    const el = renderResult("trade", trade);
    const chart = el.querySelector("[data-testid=trade-chart]");
    expect(chart?.getAttribute("aria-label")).toMatch(/^Fills against the price path: 2 fills/);
    expect(el.querySelector("[data-testid=arrival-price]")?.textContent).toBe("Arrival price 100.0000 (dashed line)");
    expect(el.querySelector("details.more")).toBeNull();
  });
});

describe("research sources, ranked", () => {
  const citations = [
    { n: 1, source: "b.txt", source_index: 1, score: 2.5 },
    { n: 2, source: "a.html", source_index: 0, score: 1.5 },
    { n: 3, source: "a.html", source_index: 0, score: 1.2 },
    { n: 4, source: "c.txt", source_index: 2, score: 2.5 },
    { n: 5, source: "c.txt", source_index: 2, score: 0.5 },
  ];
  const sources = [
    { index: 0, name: "a.html", url: "https://example.org/a", status: "fetched", search_rank: 2 },
    { index: 1, name: "b.txt", status: "fetched" },
    { index: 2, name: "c.txt", status: "fetched" },
    { index: 3, name: "d.txt", status: "fetched" },
    { index: 4, name: "gone", url: "https://example.org/gone", status: "failed", error: "HTTP 404" },
  ];

  it("orders sources by their best passage, the sum breaking ties, unranked ones last", () => {
    const ranked = rankSources(citations, sources);
    expect(ranked.map((s) => [s.name, s.best, s.passages])).toEqual([
      ["c.txt", 2.5, 2],
      ["b.txt", 2.5, 1],
      ["a.html", 1.5, 2],
      ["d.txt", null, 0],
      ["gone", null, 0],
    ]);
    expect(ranked[3].note).toBe("no matching passage");
    expect(ranked.map((s) => s.searchRank)).toEqual([null, null, 2, null, null]);
    expect(ranked[4].note).toBe("failed: HTTP 404");
  });

  it("ranks a cited source the source list does not name", () => {
    expect(rankSources([{ source: "x", score: 1 }], []).map((s) => [s.name, s.best])).toEqual([["x", 1]]);
  });

  it("renders the ranked list with a score bar per ranked source", () => {
    const el = renderResult("research", { question: "q", report: "r [1]", citations, sources });
    const items = [...el.querySelectorAll("[data-testid=ranked-sources] > li")];
    expect(items.map((li) => li.querySelector(".source-name")?.textContent)).toEqual(["c.txt", "b.txt", "a.html · search result 2", "d.txt", "gone"]);
    expect(items[0].querySelector("meter")?.getAttribute("value")).toBe("2.5");
    expect(items[2].querySelector("a")?.getAttribute("href")).toBe("https://example.org/a");
    expect(items[2].textContent).toContain("best score 1.500 · 2 cited passages");
    expect(items[4].querySelector("meter")).toBeNull();
  });
});
