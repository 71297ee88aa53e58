// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { equityData } from "../src/chartData";
import { citationsOf, equityCurve, renderResult, tradeSummary } from "../src/results";

describe("research result", () => {
  const result = {
    question: "Why is the sky blue?",
    report: "Rayleigh scattering [1] explains it; see also [2] and [9].",
    citations: [
      { text: "Shorter wavelengths scatter more.", url: "https://example.org/rayleigh", title: "Rayleigh", position: "passage 3" },
      { text: "Inline note.", source: { name: "notes.txt" }, position: "passage 1" },
      { text: "evil", url: "javascript:alert(1)" },
    ],
    sources: [
      { url: "https://example.org/rayleigh", status: "fetched", passages: 12 },
      { url: "https://example.org/404", status: "failed", error: "HTTP 404" },
    ],
  };

  it("links citation markers in the report to their sources", () => {
    const el = renderResult("research", result);
    const markers = [...el.querySelectorAll<HTMLAnchorElement>(".report a.marker")];
    expect(markers.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["[1]", "https://example.org/rayleigh"],
      ["[2]", "#cite-2"],
    ]);
    expect(el.querySelector(".report")?.textContent).toContain("[9]");
  });

  it("lists citations with linked sources and never links a non-web URL", () => {
    const el = renderResult("research", result);
    const links = [...el.querySelectorAll<HTMLAnchorElement>(".citations a")].map((a) => a.href);
    expect(links).toEqual(["https://example.org/rayleigh"]);
    expect(el.querySelector("[href^=\"javascript\"]")).toBeNull();
    expect(citationsOf(result)[1].source).toBe("notes.txt");
    expect(el.textContent).toContain("HTTP 404");
  });
});

describe("trade result", () => {
  const result = {
    arrival_price: 100,
    slippage_bps: 12.5,
    fills: [
      { slice: 0, client_order_id: "job-1-0", quantity: 50, price: "100.10" },
      { slice: 1, client_order_id: "job-1-1", quantity: 150, price: "100.20" },
    ],
  };

  it("computes the average price from fills when the result does not give it", () => {
    const summary = tradeSummary(result);
    expect(summary.filledQuantity).toBe(200);
    expect(summary.averagePrice).toBeCloseTo(100.175, 6);
  });

  it("shows the fills table, average price and slippage", () => {
    const el = renderResult("trade", result);
    expect(el.querySelectorAll("tbody tr")).toHaveLength(2);
    expect(el.textContent).toContain("100.1750");
    expect(el.textContent).toContain("12.50 bps");
    expect(el.textContent).toContain("job-1-1");
  });
});

describe("analysis result", () => {
  const result = {
    stats: { count: 1000, mean: 0.0012, quantiles: { p50: 0.001 } },
    backtest: { total_return: 0.153, sharpe: 1.42, max_drawdown: -0.08, equity_curve: [1, 1.05, 0.98, 1.153] },
  };

  it("shows statistics, backtest figures and the equity curve as a chart with a text alternative", () => {
    const el = renderResult("analysis", result);
    expect(el.textContent).toContain("15.30%");
    expect(el.textContent).toContain("1.42");
    expect(el.textContent).toContain("quantiles.p50");
    const chart = el.querySelector("[data-testid=equity-chart]");
    expect(chart?.getAttribute("role")).toBe("img");
    expect(chart?.getAttribute("aria-label")).toMatch(/^Equity curve: 4 points from row 0 to row 3; starts at 1\.0000 and ends at 1\.1530 \(\+15\.30%\)/);
    expect(el.querySelector("figcaption")?.textContent).toContain("deepest drawdown 6.67% from row 1 to row 3");
    const key = [...el.querySelectorAll(".plot-key li")].map((li) => li.textContent);
    expect(key).toEqual(["Equity (left axis)", "Shaded: below an earlier equity peak, darker the deeper (1 stretch, deepest 6.67%)"]);
  });

  it("reads curves given as points", () => {
    const data = equityData(equityCurve({ equity_curve: [{ ts: "a", equity: 1 }, { ts: "b", equity: 2 }] }));
    expect(data?.equity).toEqual([1, 2]);
    expect(data?.time).toBe(false);
  });
});

describe("charts and the fallback", () => {
  it("draws no chart for a curve of one point", () => {
    const el = renderResult("analysis", { backtest: { total_return: 0, equity_curve: [1] } });
    expect(el.querySelector("[data-testid=equity-chart]")).toBeNull();
    expect(el.textContent).toContain("Total return");
  });

  it("shows an unknown type's result as JSON text", () => {
    const el = renderResult("custom", { answer: "<b>42</b>" });
    expect(el.querySelector("pre")?.textContent).toContain("<b>42</b>");
    expect(el.querySelector("b")).toBeNull();
  });
});
