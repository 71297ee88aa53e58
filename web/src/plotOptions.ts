/**
 * uPlot's options for each result chart: which series on which scale, the axes and their
 * labels, and the drawing hooks for what uPlot has no series for (drawdown bands, the arrival
 * line). Types only from uPlot, so this loads with the drawing chunk and tests without a canvas.
 */

import type uPlot from "uplot";
import { drawdownRanges, tickLabels, type DrawdownRange, type EquityData } from "./chartData";
import type { TradeData } from "./tradeData";

export interface Colors {
  line: string;
  bad: string;
  ok: string;
  muted: string;
  grid: string;
}

export interface Built {
  opts: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
}

export function equityOptions(data: EquityData, colors: Colors): Built {
  const withPrice = data.price.some((p) => p !== null);
  const ranges = drawdownRanges(data.x, data.drawdown);
  return {
    opts: {
      scales: { x: { time: data.time }, y: {}, price: {} },
      series: [
        { label: data.time ? "time" : "row" },
        { label: "Equity", scale: "y", stroke: colors.line, width: 2 },
        ...(withPrice ? [{ label: "Price", scale: "price", stroke: colors.muted, width: 1, dash: [4, 3] }] : []),
      ],
      axes: [
        data.time ? { stroke: colors.muted, grid: { show: false } } : countAxis(colors, "row"),
        valueAxis(colors, "y", "equity (start = 1)", 3),
        ...(withPrice ? [valueAxis(colors, "price", "price", 1)] : []),
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      hooks: { drawClear: [(u: uPlot) => shade(u, data, ranges, colors)] },
    },
    data: [data.x, data.equity, ...(withPrice ? [data.price] : [])] as uPlot.AlignedData,
  };
}

export function tradeOptions(data: TradeData, colors: Colors): Built {
  const arrival = data.arrival;
  return {
    opts: {
      scales: { x: { time: false }, y: { range: (_u, min, max) => widen(min, max, arrival) } },
      series: [
        { label: "step" },
        { label: "Market price", stroke: colors.line, width: 2, spanGaps: true, points: { show: false } },
        { label: "Fills", stroke: colors.ok, width: 0, paths: () => null, points: { show: true, size: 9, fill: colors.ok, stroke: colors.ok } },
      ],
      axes: [countAxis(colors, "step (0 = arrival; slice i fills at step i + 1)"), valueAxis(colors, "y", "price", 3)],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u: uPlot) => arrivalLine(u, arrival, colors)] },
    },
    data: [data.x, data.market, data.fills] as uPlot.AlignedData,
  };
}

/** A value range holding the data and the arrival price, with some air above and below. */
export function widen(min: number | null, max: number | null, arrival: number | null): uPlot.Range.MinMax {
  const values = [min, max, arrival].filter((v): v is number => v !== null && Number.isFinite(v));
  if (!values.length) return [0, 1];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = (high - low) * 0.08 || Math.abs(high) * 0.001 || 1;
  return [low - pad, high + pad];
}

/** Whole-number steps for an axis of rows or steps: never a tick at row 2.5. */
export const WHOLE_INCREMENTS = [1, 2, 5].flatMap((m) => Array.from({ length: 10 }, (_, e) => m * 10 ** e)).sort((a, b) => a - b);

function countAxis(colors: Colors, label: string): uPlot.Axis {
  return {
    label,
    stroke: colors.muted,
    grid: { show: false },
    ticks: { stroke: colors.grid, width: 1 },
    incrs: WHOLE_INCREMENTS,
    values: (_u, splits) => tickLabels(splits),
  };
}

/** A value axis whose labels carry the decimals their tick step needs; the left one grids. */
function valueAxis(colors: Colors, scale: string, label: string, side: 1 | 3): uPlot.Axis {
  return {
    scale,
    side,
    label,
    stroke: colors.muted,
    grid: { show: side === 3, stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    values: (_u, splits) => tickLabels(splits),
    size: 64,
  };
}

/** Each drawdown stretch shaded from its peak to its recovery, each step darker the further
 * equity then stood below its peak: where a band is deep shows at a glance. */
function shade(u: uPlot, data: EquityData, ranges: DrawdownRange[], colors: Colors): void {
  const deepest = Math.max(0, ...ranges.map((r) => r.depth));
  if (!deepest) return;
  const { ctx, bbox } = u;
  const { x, drawdown } = data;
  ctx.save();
  ctx.fillStyle = colors.bad;
  for (const range of ranges) {
    for (let i = x.indexOf(range.from); i >= 0 && i < x.length - 1 && x[i] < range.to; i++) {
      // Whole pixels, so neighbouring steps meet without a seam between them.
      const left = Math.round(u.valToPos(x[i], "x", true));
      const right = Math.round(u.valToPos(x[i + 1], "x", true));
      ctx.globalAlpha = 0.05 + 0.3 * (drawdown[i + 1] / deepest);
      ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height);
    }
  }
  ctx.restore();
}

function arrivalLine(u: uPlot, arrival: number | null, colors: Colors): void {
  if (arrival === null) return;
  const { ctx, bbox } = u;
  const y = u.valToPos(arrival, "y", true);
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = colors.bad;
  ctx.lineWidth = ratio * 1.5;
  ctx.setLineDash([8 * ratio, 5 * ratio]);
  ctx.beginPath();
  ctx.moveTo(bbox.left, y);
  ctx.lineTo(bbox.left + bbox.width, y);
  ctx.stroke();
  ctx.restore();
}

/** The point a key moves the cursor to, or `null` for a key the chart leaves alone. */
export function keyTarget(key: string, current: number | null, count: number): number | null {
  if (!count) return null;
  const last = count - 1;
  switch (key) {
    case "Home":
      return 0;
    case "End":
      return last;
    case "ArrowRight":
      return current === null ? 0 : Math.min(last, current + 1);
    case "ArrowLeft":
      return current === null ? last : Math.max(0, current - 1);
    default:
      return null;
  }
}
