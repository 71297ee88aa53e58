/**
 * A trade's fills against the market's price path, on one step axis: step 0 is arrival and
 * slice i's child order trades at step i + 1 (the trade job's own convention), so a fill
 * sits above the market price it was filled against.
 */

import { isObj, thin, toNumber } from "./chartData";
import { num } from "./format";

type Obj = Record<string, unknown>;

export interface FillPoint {
  slice: number;
  price: number;
  quantity: number | null;
  ts: string;
}

export interface TradeData {
  /** Steps, ascending: the path's and the fills' together. */
  x: number[];
  market: Array<number | null>;
  fills: Array<number | null>;
  /** The fill at each step, for the tooltip. */
  fillAt: Map<number, FillPoint>;
  arrival: number | null;
}

export const MAX_PATH_POINTS = 1000;

/** `null` when the result has neither a price path nor a fill to draw. */
export function tradeData(result: Obj): TradeData | null {
  const path = arrayOf(result["price_path"])
    .filter(isObj)
    .map((p) => ({ step: toNumber(p["step"]), price: toNumber(p["price"]) }))
    .filter((p): p is { step: number; price: number } => p.step !== null && p.price !== null);
  const thinned = thin(path.length, MAX_PATH_POINTS).map((i) => path[i]);
  const fillAt = new Map<number, FillPoint>();
  for (const f of arrayOf(result["fills"]).filter(isObj)) {
    const slice = toNumber(f["slice"] ?? f["slice_index"]);
    const price = toNumber(f["price"] ?? f["fill_price"]);
    if (slice === null || price === null) continue;
    fillAt.set(slice + 1, { slice, price, quantity: toNumber(f["quantity"] ?? f["qty"]), ts: String(f["ts"] ?? "") });
  }
  if (thinned.length < 2 && fillAt.size === 0) return null;
  const marketAt = new Map(thinned.map((p) => [p.step, p.price]));
  const x = [...new Set([...marketAt.keys(), ...fillAt.keys()])].sort((a, b) => a - b);
  return {
    x,
    market: x.map((step) => marketAt.get(step) ?? null),
    fills: x.map((step) => fillAt.get(step)?.price ?? null),
    fillAt,
    arrival: toNumber(result["arrival_price"]),
  };
}

export function tradeSummary(data: TradeData): string {
  const market = data.market.filter((v): v is number => v !== null);
  const fills = [...data.fillAt.values()];
  const parts = [`Fills against the price path: ${fills.length} fills over ${data.x.length} steps`];
  if (data.arrival !== null) parts.push(`arrival price ${num(data.arrival, 4)}`);
  if (market.length) parts.push(`market from ${num(Math.min(...market), 4)} to ${num(Math.max(...market), 4)}`);
  if (fills.length) {
    const prices = fills.map((f) => f.price);
    parts.push(`fills from ${num(Math.min(...prices), 4)} to ${num(Math.max(...prices), 4)}`);
  }
  return parts.join("; ");
}

export function tradeTooltip(data: TradeData, index: number): string[] {
  const step = data.x[index];
  const lines = [step === 0 ? "step 0 (arrival)" : `step ${step}`];
  const market = data.market[index];
  if (market !== null) lines.push(`market ${num(market, 4)}`);
  const fill = data.fillAt.get(step);
  if (fill) {
    const qty = fill.quantity === null ? "" : ` × ${num(fill.quantity, 0)}`;
    lines.push(`fill of slice ${fill.slice}: ${num(fill.price, 4)}${qty}`);
  }
  if (data.arrival !== null) lines.push(`arrival ${num(data.arrival, 4)}`);
  return lines;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
