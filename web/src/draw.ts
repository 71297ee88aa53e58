/**
 * Draws a figure's chart with uPlot: loaded with uPlot on first use, never in the main bundle.
 * The tooltip follows uPlot's cursor (the nearest point, beside it), and the arrow keys step
 * that cursor point by point, so every value the picture shows is readable without a mouse.
 */

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { equityOptions, keyTarget, tradeOptions, type Colors } from "./plotOptions";
import type { PlotSpec } from "./plot";

export function draw(area: HTMLElement, tip: HTMLElement, spec: PlotSpec, width: number, height: number): uPlot {
  const colors = colorsOf(area);
  const { opts, data } = spec.chart.kind === "equity" ? equityOptions(spec.chart.data, colors) : tradeOptions(spec.chart.data, colors);
  // Times are shown in UTC, as the tooltip and the job's records show them.
  const tzDate = (ts: number) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
  const plot = new uPlot({ ...opts, tzDate, width, height }, data, area);
  followCursor(plot, tip, spec.tooltip);
  stepWithKeys(area, plot);
  return plot;
}

function followCursor(plot: uPlot, tip: HTMLElement, lines: (index: number) => string[]): void {
  plot.over.append(tip);
  plot.hooks.setCursor = [
    ...(plot.hooks.setCursor ?? []),
    (u: uPlot) => {
      const { idx, top } = u.cursor;
      if (idx === null || idx === undefined) {
        tip.hidden = true;
        return;
      }
      tip.replaceChildren(...lines(idx).map((line) => Object.assign(document.createElement("div"), { textContent: line })));
      tip.hidden = false;
      const x = u.valToPos(u.data[0][idx], "x");
      const flip = x > u.over.clientWidth / 2;
      tip.style.left = `${Math.round(flip ? x - tip.offsetWidth - 12 : x + 12)}px`;
      tip.style.top = `${Math.round(Math.max(0, Math.min(top ?? 0, u.over.clientHeight - tip.offsetHeight)))}px`;
    },
  ];
}

/** Arrow keys step the cursor point by point (from the first point when none is shown);
 * Home and End jump to the first and last. */
function stepWithKeys(area: HTMLElement, plot: uPlot): void {
  area.addEventListener("keydown", (event) => {
    const count = plot.data[0].length;
    const idx = keyTarget(event.key, plot.cursor.idx ?? null, count);
    if (idx === null) return;
    event.preventDefault();
    const y = plot.data[1][idx];
    const top = typeof y === "number" ? plot.valToPos(y, plot.series[1].scale ?? "y") : 0;
    plot.setCursor({ left: plot.valToPos(plot.data[0][idx], "x"), top });
  });
}

/** The console's own colours (light or dark), read where the chart is drawn. */
function colorsOf(el: HTMLElement): Colors {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    line: v("--fill", "#2f6fde"),
    bad: v("--bad", "#b3261e"),
    ok: v("--ok", "#1d7a3a"),
    muted: v("--muted", "#626970"),
    grid: v("--line", "#d9dcdf"),
  };
}
