/**
 * A chart as a figure: a canvas drawn by uPlot (axes, ticks, series), and around it what a
 * canvas cannot carry — a text alternative, a key, and a tooltip in the DOM that names the
 * hovered point's values, so screen readers, tests and people read the same thing.
 *
 * The drawing code and uPlot load together on first use (their own chunk: a console that
 * shows no chart never fetches them), and only once the figure is on screen with a width, so
 * a figure built off-screen, or in a test without a canvas, stays its text alternative.
 */

import "./charts.css";
import { h } from "./dom";
import type { EquityData } from "./chartData";
import type { TradeData } from "./tradeData";

export type ChartData = { kind: "equity"; data: EquityData } | { kind: "trade"; data: TradeData };

export interface PlotSpec {
  /** The chart's test id; its text alternative is `summary`. */
  testId: string;
  summary: string;
  chart: ChartData;
  tooltip: (index: number) => string[];
  /** What each mark means, in the DOM (the canvas has no legend of its own). */
  key: Array<KeyItem | null>;
}

export interface KeyItem {
  swatch: "line" | "price" | "fill" | "drawdown" | "arrival";
  text: string;
  testId?: string;
}

export const PLOT_HEIGHT = 260;

export function plotFigure(spec: PlotSpec): HTMLElement {
  const tip = h("div", { class: "plot-tip", "data-testid": "chart-tooltip", role: "status", hidden: true });
  const area = h("div", {
    class: "plot-area",
    role: "img",
    tabindex: 0,
    "aria-label": spec.summary,
    "data-testid": spec.testId,
  });
  mountWhenShown(area, tip, spec);
  const key = spec.key
    .filter((item): item is KeyItem => item !== null)
    .map((item) => h("li", { "data-testid": item.testId ?? null }, h("span", { class: `swatch swatch-${item.swatch}` }), item.text));
  return h(
    "figure",
    { class: "plot" },
    area,
    h("ul", { class: "plot-key" }, ...key),
    h("figcaption", { class: "plot-summary" }, spec.summary),
  );
}

/** Draws once the area has a width, follows its size, and lets go when it leaves the page. */
function mountWhenShown(area: HTMLElement, tip: HTMLElement, spec: PlotSpec): void {
  if (typeof ResizeObserver === "undefined") return;
  let plot: { setSize: (size: { width: number; height: number }) => void; destroy: () => void } | null = null;
  let loading = false;
  const observer = new ResizeObserver(() => {
    if (!area.isConnected) {
      observer.disconnect();
      plot?.destroy();
      return;
    }
    const width = area.clientWidth;
    if (!width) return;
    if (plot) return plot.setSize({ width, height: PLOT_HEIGHT });
    if (loading) return;
    loading = true;
    void import("./draw").then(({ draw }) => {
      plot = draw(area, tip, spec, area.clientWidth || width, PLOT_HEIGHT);
      area.dataset["drawn"] = "true";
    });
  });
  observer.observe(area);
}
