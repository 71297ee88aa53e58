import { describe, expect, it } from "vitest";
import { equityData } from "../src/chartData";
import { WHOLE_INCREMENTS, equityOptions, keyTarget, tradeOptions, widen } from "../src/plotOptions";
import { tradeData } from "../src/tradeData";

const colors = { line: "#00f", bad: "#f00", ok: "#0f0", muted: "#888", grid: "#ddd" };

describe("chart options", () => {
  it("puts equity on the left axis and the price series on its own right axis", () => {
    const data = equityData([
      { row: 0, equity: 1, price: 100 },
      { row: 5, equity: 1.1, price: 112 },
    ]);
    const built = data && equityOptions(data, colors);
    expect(built?.opts.series.map((s) => [s.label, s.scale])).toEqual([
      ["row", undefined],
      ["Equity", "y"],
      ["Price", "price"],
    ]);
    expect(built?.opts.axes?.map((a) => [a.scale, a.side, a.label])).toEqual([
      [undefined, undefined, "row"],
      ["y", 3, "equity (start = 1)"],
      ["price", 1, "price"],
    ]);
    expect(built?.data).toEqual([[0, 5], [1, 1.1], [100, 112]]);
  });

  it("leaves the price axis out when the curve has no prices", () => {
    const data = equityData([1, 1.1, 1.2]);
    const built = data && equityOptions(data, colors);
    expect(built?.opts.series).toHaveLength(2);
    expect(built?.opts.axes).toHaveLength(2);
  });

  it("labels a row axis in whole rows only", () => {
    expect(WHOLE_INCREMENTS.slice(0, 4)).toEqual([1, 2, 5, 10]);
    expect(WHOLE_INCREMENTS.every(Number.isInteger)).toBe(true);
  });

  it("draws fills as points only, over the market's path", () => {
    const data = tradeData({ arrival_price: 10, fills: [{ slice: 0, price: 10.2 }], price_path: [{ step: 0, price: 10 }, { step: 1, price: 10.1 }] });
    const built = data && tradeOptions(data, colors);
    const fills = built?.opts.series[2];
    expect(fills?.label).toBe("Fills");
    expect(fills?.points?.show).toBe(true);
    expect(built?.data).toEqual([[0, 1], [10, 10.1], [null, 10.2]]);
  });

  it("keeps the arrival price inside the price axis", () => {
    const [low, high] = widen(101, 102, 95);
    expect(low).toBeLessThan(95);
    expect(high).toBeGreaterThan(102);
    expect(widen(5, 5, null)).toEqual([4.995, 5.005]);
    expect(widen(null, null, null)).toEqual([0, 1]);
  });
});

describe("stepping through a chart with the keyboard", () => {
  it("starts from the first point, steps within the ends and jumps with Home and End", () => {
    expect(keyTarget("ArrowRight", null, 5)).toBe(0);
    expect(keyTarget("ArrowLeft", null, 5)).toBe(4);
    expect(keyTarget("ArrowRight", 2, 5)).toBe(3);
    expect(keyTarget("ArrowRight", 4, 5)).toBe(4);
    expect(keyTarget("ArrowLeft", 0, 5)).toBe(0);
    expect(keyTarget("Home", 3, 5)).toBe(0);
    expect(keyTarget("End", 0, 5)).toBe(4);
    expect(keyTarget("Enter", 0, 5)).toBeNull();
    expect(keyTarget("ArrowRight", null, 0)).toBeNull();
  });
});
