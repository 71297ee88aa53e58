/**
 * Result data shaped into what a chart draws: aligned series, drawdown ranges, axis labels and
 * a text alternative. Pure functions with no DOM and no chart library, so every choice a
 * reader relies on (where a drawdown starts, what a tick says) is unit-tested.
 */

import { num } from "./format";

type Obj = Record<string, unknown>;

export const MAX_POINTS = 1000;
/** A chart never draws more points than this: the server bounds its own series, but a result
 * from another source may not, and a canvas gains nothing from more points than pixels. */

export const MIN_DRAWDOWN = 0.0005;
/** Underwater stretches shallower than this (0.05%) are noise at any width, so not shaded. */

export interface EquityData {
  /** Row index of each point, or its time in epoch seconds when every point has a time. */
  x: number[];
  time: boolean;
  equity: number[];
  price: Array<number | null>;
  /** 1 - equity / running peak, from 0 up. */
  drawdown: number[];
  /** Each point's time cell as the job gave it (shown beside the row when not every point
   * has an ISO time to put on a time axis). */
  labels: Array<string | null>;
}

/** The equity curve as aligned arrays; `null` when it has fewer than two usable points. */
export function equityData(raw: unknown[]): EquityData | null {
  const points = raw
    .map((p, index) => (isObj(p) ? p : { row: index, equity: p }))
    .map((p, index) => {
      const cell = p["time"] ?? p["ts"] ?? p["date"];
      return {
        row: toNumber(p["row"] ?? p["x"]) ?? index,
        label: typeof cell === "string" ? cell : null,
        time: timeOf(cell),
        equity: toNumber(p["equity"] ?? p["value"] ?? p["y"]),
        price: toNumber(p["price"]),
        drawdown: toNumber(p["drawdown"]),
      };
    })
    .filter((p): p is typeof p & { equity: number } => p.equity !== null);
  if (points.length < 2) return null;
  const kept = thin(points.length, MAX_POINTS).map((i) => points[i]);
  const time = kept.every((p) => p.time !== null);
  const equity = kept.map((p) => p.equity);
  const given = kept.every((p) => p.drawdown !== null);
  return {
    x: kept.map((p) => (time ? (p.time as number) : p.row)),
    time,
    equity,
    price: kept.map((p) => p.price),
    drawdown: given ? kept.map((p) => p.drawdown as number) : runningDrawdown(equity),
    labels: kept.map((p) => p.label),
  };
}

/** Indexes to keep of `length` points so at most `max` remain: evenly spaced, first and last
 * always kept. */
export function thin(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const stride = Math.ceil((length - 1) / (max - 1));
  const kept: number[] = [];
  for (let i = 0; i < length - 1; i += stride) kept.push(i);
  kept.push(length - 1);
  return kept;
}

export function runningDrawdown(equity: number[]): number[] {
  let peak = -Infinity;
  return equity.map((value) => {
    peak = Math.max(peak, value);
    return peak > 0 ? 1 - value / peak : 0;
  });
}

export interface DrawdownRange {
  /** x of the peak the fall started from. */
  from: number;
  /** x where equity was back at its peak, or the last point if it never recovered. */
  to: number;
  depth: number;
  /** x of the deepest point. */
  trough: number;
}

/** The stretches spent below a previous peak, each from its peak to its recovery. */
export function drawdownRanges(x: number[], drawdown: number[], minDepth = MIN_DRAWDOWN): DrawdownRange[] {
  const ranges: DrawdownRange[] = [];
  let current: DrawdownRange | null = null;
  drawdown.forEach((depth, i) => {
    if (depth > 0) {
      current ??= { from: x[Math.max(i - 1, 0)], to: x[i], depth: 0, trough: x[i] };
      current.to = x[i];
      if (depth > current.depth) Object.assign(current, { depth, trough: x[i] });
      return;
    }
    if (current) ranges.push({ ...current, to: x[i] });
    current = null;
  });
  if (current) ranges.push(current);
  return ranges.filter((r) => r.depth >= minDepth);
}

/** Tick labels with as many decimals as the ticks need to be told apart exactly (2.5 is not
 * "3"), and no more. */
export function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 0;
  const decimals = Math.max(decimalsOf(step), decimalsOf(ticks[0] ?? 0));
  return ticks.map((t) => num(t, decimals));
}

/** The fewest decimals (up to 8) that write `value` without rounding it. */
export function decimalsOf(value: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = Math.abs(value) * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 8;
}

/** The tooltip's heading for point `i`: its time, or its row and (if any) its time cell. */
export function pointLabel(data: EquityData, i: number): string {
  const label = data.labels[i];
  return data.time || !label ? xLabel(data, data.x[i]) : `${xLabel(data, data.x[i])} · ${label}`;
}

export function xLabel(data: { time: boolean }, x: number): string {
  return data.time ? new Date(x * 1000).toISOString().slice(0, 19).replace("T", " ").replace(/ 00:00:00$/, "") : `row ${num(x, 0)}`;
}

/** The text alternative: what a reader would take from the picture. Starts with the point count,
 * which tests and screen readers both rely on. */
export function equitySummary(data: EquityData): string {
  const { x, equity } = data;
  const high = argmax(equity);
  const low = argmax(equity.map((v) => -v));
  const first = equity[0];
  const last = equity[equity.length - 1];
  const change = first ? ` (${signedPct(last / first - 1)})` : "";
  const deepest = drawdownRanges(x, data.drawdown, 0).sort((a, b) => b.depth - a.depth)[0];
  const at = (i: number) => xLabel(data, x[i]);
  return [
    `Equity curve: ${equity.length} points from ${at(0)} to ${at(equity.length - 1)}`,
    `starts at ${num(first, 4)} and ends at ${num(last, 4)}${change}`,
    `high ${num(equity[high], 4)} at ${at(high)}, low ${num(equity[low], 4)} at ${at(low)}`,
    deepest
      ? `deepest drawdown ${percent(deepest.depth)} from ${xLabel(data, deepest.from)} to ${xLabel(data, deepest.to)}`
      : "no drawdown",
  ].join("; ");
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function signedPct(fraction: number): string {
  return `${fraction >= 0 ? "+" : "−"}${percent(Math.abs(fraction))}`;
}

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

export function timeOf(value: unknown): number | null {
  if (typeof value !== "string" || !/^\d{4}-\d\d-\d\d/.test(value)) return null;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

export function isObj(value: unknown): value is Obj {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

export function toNumber(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}
