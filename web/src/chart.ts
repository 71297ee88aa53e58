/**
 * The result charts: an analysis's equity curve over its price series with drawdowns shaded,
 * and a trade's fills against the market's price path with the arrival price marked. Each is
 * a figure whose text alternative, key and tooltip lines are made here, in the main bundle;
 * the canvas itself is drawn by the lazily loaded `draw` chunk.
 */

import { drawdownRanges, equitySummary, percent, pointLabel, type EquityData } from "./chartData";
import { num } from "./format";
import { plotFigure } from "./plot";
import { tradeSummary, tradeTooltip, type TradeData } from "./tradeData";

export function equityChart(data: EquityData): HTMLElement {
  const ranges = drawdownRanges(data.x, data.drawdown);
  const deepest = Math.max(0, ...ranges.map((r) => r.depth));
  return plotFigure({
    testId: "equity-chart",
    summary: equitySummary(data),
    chart: { kind: "equity", data },
    tooltip: (i) => [
      pointLabel(data, i),
      `equity ${num(data.equity[i], 4)}`,
      ...(data.price[i] !== null ? [`price ${num(data.price[i], 4)}`] : []),
      `drawdown ${percent(data.drawdown[i])}`,
    ],
    key: [
      { swatch: "line", text: "Equity (left axis)" },
      data.price.some((p) => p !== null) ? { swatch: "price", text: "Price (right axis)" } : null,
      {
        swatch: "drawdown",
        text: `Shaded: below an earlier equity peak, darker the deeper (${ranges.length} ${ranges.length === 1 ? "stretch" : "stretches"}, deepest ${percent(deepest)})`,
      },
    ],
  });
}

export function tradeChart(data: TradeData): HTMLElement {
  return plotFigure({
    testId: "trade-chart",
    summary: tradeSummary(data),
    chart: { kind: "trade", data },
    tooltip: (i) => tradeTooltip(data, i),
    key: [
      { swatch: "line", text: "Market price" },
      { swatch: "fill", text: "Fills" },
      data.arrival === null ? null : { swatch: "arrival", text: `Arrival price ${num(data.arrival, 4)} (dashed line)`, testId: "arrival-price" },
    ],
  });
}
