import { describe, expect, it } from "vitest";
import {
  MAX_POINTS,
  decimalsOf,
  drawdownRanges,
  equityData,
  equitySummary,
  pointLabel,
  runningDrawdown,
  thin,
  tickLabels,
  timeOf,
  xLabel,
} from "../src/chartData";

describe("downsampling", () => {
  it("keeps every point when there are few enough", () => {
    expect(thin(4, 10)).toEqual([0, 1, 2, 3]);
    expect(thin(0, 10)).toEqual([]);
  });

  it("keeps at most the maximum, evenly spaced, with the first and last point", () => {
    for (const length of [11, 1001, 1999, 2000, 2001, 12345]) {
      const kept = thin(length, 1000);
      expect(kept.length).toBeLessThanOrEqual(1000);
      expect(kept[0]).toBe(0);
      expect(kept.at(-1)).toBe(length - 1);
      expect(new Set(kept).size).toBe(kept.length);
      expect([...kept].sort((a, b) => a - b)).toEqual(kept);
    }
  });

  it("thins a long curve before it reaches the chart", () => {
    const raw = Array.from({ length: 5000 }, (_, row) => ({ row, equity: 1 + row / 5000 }));
    const data = equityData(raw);
    expect(data?.x.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(data?.x.at(-1)).toBe(4999);
    expect(data?.equity.at(-1)).toBeCloseTo(1 + 4999 / 5000, 12);
  });
});

describe("equity data", () => {
  const points = [
    { row: 0, equity: 1, price: 100, drawdown: 0 },
    { row: 10, equity: 1.2, price: 110, drawdown: 0 },
    { row: 20, equity: 0.9, price: 95, drawdown: 0.25 },
    { row: 30, equity: 1.25, price: 120, drawdown: 0 },
  ];

  it("aligns rows, equity, price and the drawdown the job measured", () => {
    expect(equityData(points)).toEqual({
      x: [0, 10, 20, 30],
      time: false,
      equity: [1, 1.2, 0.9, 1.25],
      price: [100, 110, 95, 120],
      drawdown: [0, 0, 0.25, 0],
      labels: [null, null, null, null],
    });
  });

  it("computes the drawdown from the curve when the job did not give it", () => {
    const data = equityData([1, 2, 1.5, 3]);
    expect(data?.drawdown).toEqual([0, 0, 0.25, 0]);
    expect(data?.price).toEqual([null, null, null, null]);
    expect(runningDrawdown([2, 1, 4, 2])).toEqual([0, 0.5, 0, 0.5]);
  });

  it("uses a time axis only when every point has a date", () => {
    const dated = equityData([
      { date: "2026-01-02", equity: 1 },
      { date: "2026-01-05", equity: 1.1 },
    ]);
    expect(dated?.time).toBe(true);
    expect(dated?.x).toEqual([Date.UTC(2026, 0, 2) / 1000, Date.UTC(2026, 0, 5) / 1000]);
    expect(dated && xLabel(dated, dated.x[1])).toBe("2026-01-05");
    const partly = equityData([{ date: "2026-01-02", equity: 1 }, { equity: 1.1 }]);
    expect(partly?.time).toBe(false);
    expect(partly && [pointLabel(partly, 0), pointLabel(partly, 1)]).toEqual(["row 0 · 2026-01-02", "row 1"]);
    const other = equityData([{ row: 0, time: "02/01/2026", equity: 1 }, { row: 1, time: "03/01/2026", equity: 1 }]);
    expect(other?.time).toBe(false);
    expect(other && pointLabel(other, 1)).toBe("row 1 · 03/01/2026");
    expect(timeOf("row 3")).toBeNull();
    expect(timeOf("2026-01-02T10:30:00Z")).toBe(Date.UTC(2026, 0, 2, 10, 30) / 1000);
  });

  it("has nothing to chart with fewer than two numbers", () => {
    expect(equityData([])).toBeNull();
    expect(equityData([{ row: 0, equity: 1 }, { row: 1, equity: "n/a" }])).toBeNull();
  });
});

describe("drawdown ranges", () => {
  it("runs each stretch from the peak it fell from to where it recovered", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const drawdown = [0, 0.1, 0.3, 0, 0, 0.05, 0.02, 0.01];
    expect(drawdownRanges(x, drawdown)).toEqual([
      { from: 0, to: 3, depth: 0.3, trough: 2 },
      { from: 4, to: 7, depth: 0.05, trough: 5 },
    ]);
  });

  it("leaves out stretches too shallow to see", () => {
    expect(drawdownRanges([0, 1, 2], [0, 0.0001, 0])).toEqual([]);
    expect(drawdownRanges([0, 1, 2], [0, 0.0001, 0], 0)).toHaveLength(1);
  });
});

describe("axis ticks", () => {
  it("labels ticks with the decimals they need to be told apart, and no more", () => {
    expect(tickLabels([0.95, 1, 1.05])).toEqual(["0.95", "1.00", "1.05"]);
    expect(tickLabels([0, 0.5, 1])).toEqual(["0.0", "0.5", "1.0"]);
    expect(tickLabels([0, 2.5, 5, 7.5])).toEqual(["0.0", "2.5", "5.0", "7.5"]);
    expect(tickLabels([0.25, 0.5])).toEqual(["0.25", "0.50"]);
    expect(tickLabels([1.05, 2.05])).toEqual(["1.05", "2.05"]);
    expect(tickLabels([1000, 2000, 3000])).toEqual(["1,000", "2,000", "3,000"]);
    expect(tickLabels([0.0001, 0.0002])).toEqual(["0.0001", "0.0002"]);
    expect(tickLabels([5])).toEqual(["5"]);
  });

  it("finds the decimals a value needs despite binary fractions", () => {
    expect([0.1 + 0.2, 3, 0.05, 1e-7, 1 / 3].map(decimalsOf)).toEqual([1, 0, 2, 7, 8]);
  });
});

describe("the text alternative", () => {
  it("says the extent, start, end, high, low and deepest drawdown", () => {
    const data = equityData([
      { row: 0, equity: 1, drawdown: 0 },
      { row: 10, equity: 1.2, drawdown: 0 },
      { row: 20, equity: 0.9, drawdown: 0.25 },
      { row: 30, equity: 1.1, drawdown: 0.0833 },
    ]);
    expect(data && equitySummary(data)).toBe(
      "Equity curve: 4 points from row 0 to row 30; starts at 1.0000 and ends at 1.1000 (+10.00%);" +
        " high 1.2000 at row 10, low 0.9000 at row 20; deepest drawdown 25.00% from row 10 to row 30",
    );
  });

  it("says when there was no drawdown", () => {
    const data = equityData([1, 1.1]);
    expect(data && equitySummary(data)).toMatch(/; no drawdown$/);
  });
});
