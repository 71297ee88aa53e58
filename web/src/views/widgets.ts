/** Small pieces several pages share: the progress bar, the state badge, notices. */

import { h } from "../dom";
import { clamp, pct } from "../format";
import type { JobState, JobTypeInfo } from "../types";

export function progressBar(progress: number, label: string): HTMLElement {
  const bar = h("div", {
    class: "progress",
    role: "progressbar",
    "aria-label": label,
    "aria-valuemin": 0,
    "aria-valuemax": 100,
  });
  bar.append(h("div", { class: "progress-fill" }));
  setProgress(bar, progress);
  return bar;
}

export function setProgress(bar: HTMLElement, progress: number): void {
  const value = clamp(progress, 0, 100);
  bar.setAttribute("aria-valuenow", value.toFixed(1));
  bar.setAttribute("aria-valuetext", pct(value));
  const fill = bar.firstElementChild as HTMLElement | null;
  if (fill) fill.style.transform = `scaleX(${value / 100})`;
}

export function stateBadge(state: JobState | string): HTMLElement {
  return h("span", { class: `badge state-${state}` }, state);
}

export function notice(kind: "info" | "warn" | "error", ...children: Array<Node | string>): HTMLElement {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

export function loading(text = "Loading…"): HTMLElement {
  return h("p", { class: "muted", "aria-busy": "true" }, text);
}

export function replaceChildren(el: Element, ...children: Array<Node | string | null>): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null));
}

/** The job types as cards, each linking to `href(type)`; `unknown` is a type asked for that
 * does not exist (the submit and schedule forms start here). */
export function typeChooser(
  title: string,
  types: JobTypeInfo[],
  unknown: string | null,
  href: (type: string) => string,
): HTMLElement {
  return h(
    "section",
    {},
    h("h1", {}, title),
    unknown ? notice("warn", `There is no job type "${unknown}".`) : null,
    h(
      "ul",
      { class: "cards" },
      ...types.map((t) =>
        h(
          "li",
          { class: "card" },
          h("h2", {}, h("a", { href: href(t.type) }, t.type)),
          h("p", {}, t.description),
          t.phases.length ? h("p", { class: "muted" }, `Phases: ${t.phases.join(" → ")}`) : null,
        ),
      ),
    ),
  );
}
