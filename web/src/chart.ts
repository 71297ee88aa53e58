/** A line chart as inline SVG: enough for an equity curve, with no chart library. */

import { s } from "./dom";
import { num } from "./format";

export interface ChartGeometry {
  points: string;
  min: number;
  max: number;
}

/** Scales `values` into a `width`×`height` box (y grows downwards), as an SVG points list. */
export function linePoints(values: number[], width: number, height: number, pad = 4): ChartGeometry {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { points: "", min: 0, max: 0 };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const stepX = finite.length > 1 ? (width - 2 * pad) / (finite.length - 1) : 0;
  const points = finite
    .map((v, i) => {
      const x = pad + i * stepX;
      const y = height - pad - ((v - min) / span) * (height - 2 * pad);
      return `${round(x)},${round(y)}`;
    })
    .join(" ");
  return { points, min, max };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function lineChart(values: number[], label: string): SVGElement {
  const width = 600;
  const height = 200;
  const { points, min, max } = linePoints(values, width, height, 8);
  return s(
    "svg",
    {
      class: "chart",
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": `${label}: ${values.length} points from ${num(values[0])} to ${num(values.at(-1))}, low ${num(min)}, high ${num(max)}`,
      preserveAspectRatio: "none",
    },
    s("title", {}, label),
    s("rect", { x: 0, y: 0, width, height, class: "chart-bg" }),
    s("polyline", { points, class: "chart-line", fill: "none", "vector-effect": "non-scaling-stroke" }),
    s("text", { x: 8, y: 16, class: "chart-label" }, `high ${num(max)}`),
    s("text", { x: 8, y: height - 10, class: "chart-label" }, `low ${num(min)}`),
  );
}
