/**
 * A finished job's result, rendered for its type. Result models belong to the job types, so
 * each renderer reads the fields it knows under their likely names and shows the rest as a
 * plain table: a new field never breaks the page, and an unknown type still shows its result.
 */

import { equityChart, tradeChart } from "./chart";
import { equityData } from "./chartData";
import { externalLink, h, safeHref } from "./dom";
import { int, num } from "./format";
import { rankSources, type RankedSource } from "./sourceRanks";
import { tradeData } from "./tradeData";
import { renderFoundSources, searchRankLabel } from "./views/research";

type Obj = Record<string, unknown>;

export function renderResult(type: string, result: Obj): HTMLElement {
  const renderer = RENDERERS[type] ?? renderGeneric;
  return h("section", { class: `result result-${type}`, "aria-label": "Result" }, renderer(result));
}

const RENDERERS: Record<string, (result: Obj) => HTMLElement> = {
  research: renderResearch,
  trade: renderTrade,
  analysis: renderAnalysis,
};

// ---- research -----------------------------------------------------------------------------

interface Citation {
  n: number;
  text: string;
  source: string;
  href: string | null;
  position: string;
  score: unknown;
  found: string;
}

export function citationsOf(result: Obj): Citation[] {
  const list = firstArray(result, ["citations", "passages", "best_passages", "top_passages"]);
  return list.filter(isObj).map((item, index) => {
    const source = item["source"];
    const sourceObj = isObj(source) ? source : {};
    const url = item["url"] ?? sourceObj["url"] ?? (typeof source === "string" ? source : undefined);
    const name =
      str(item["title"]) || str(sourceObj["title"]) || str(item["source_name"]) || str(url) || str(sourceObj["name"]) || "source";
    return {
      n: typeof item["n"] === "number" ? item["n"] : index + 1,
      text: str(item["text"]) || str(item["passage"]) || str(item["snippet"]),
      source: name,
      href: safeHref(url),
      position: str(item["position"]) || str(item["location"]) || posFrom(item),
      score: item["score"],
      found: searchRankLabel(item),
    };
  });
}

function posFrom(item: Obj): string {
  const start = item["start"] ?? item["offset"] ?? item["index"];
  return start === undefined ? "" : `at ${String(start)}`;
}

function renderResearch(result: Obj): HTMLElement {
  const report = str(result["report"]) || str(result["answer"]) || str(result["summary"]) || str(result["synthesis"]);
  const citations = citationsOf(result);
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  const sources = firstArray(result, ["sources", "source_status", "sources_status"]).filter(isObj);
  return h(
    "div",
    {},
    result["question"] ? h("p", { class: "question" }, h("strong", {}, "Question: "), str(result["question"])) : null,
    renderFoundSources(result),
    report ? h("div", { class: "report" }, ...linkMarkers(report, byNumber)) : null,
    citations.length
      ? h(
          "section",
          {},
          h("h3", {}, `Citations (${citations.length})`),
          h(
            "ol",
            { class: "citations" },
            ...citations.map((c) =>
              h(
                "li",
                { id: `cite-${c.n}`, value: c.n },
                h("blockquote", {}, c.text || "—"),
                h(
                  "div",
                  { class: "cite-source" },
                  c.href ? externalLink(c.href, c.source) : c.source,
                  c.found ? ` · ${c.found}` : "",
                  c.position ? ` · ${c.position}` : "",
                  typeof c.score === "number" ? ` · score ${num(c.score, 3)}` : "",
                ),
              ),
            ),
          ),
        )
      : null,
    sources.length || citations.length ? rankedSources(rankSources(firstArray(result, ["citations", "passages", "best_passages", "top_passages"]).filter(isObj), sources)) : null,
    rest(result, ["question", "search", "report", "answer", "summary", "synthesis", "citations", "passages", "best_passages", "top_passages", "sources", "source_status", "sources_status"]),
  );
}

/** Sources best-first by their best passage's score, a bar per score; unranked ones follow. */
function rankedSources(ranked: RankedSource[]): HTMLElement {
  const top = Math.max(0, ...ranked.map((s) => s.best ?? 0));
  return h(
    "section",
    {},
    h("h3", {}, "Sources by relevance"),
    h(
      "ol",
      { class: "ranked-sources", "data-testid": "ranked-sources" },
      ...ranked.map((src) => {
        const href = safeHref(src.url);
        const scored = src.best !== null;
        return h(
          "li",
          { class: scored ? "ranked" : "unranked" },
          h(
            "span",
            { class: "source-name" },
            href ? externalLink(href, src.name) : src.name,
            src.searchRank === null ? "" : ` · search result ${src.searchRank}`,
          ),
          scored
            ? h("meter", { min: 0, max: top || 1, value: src.best ?? 0, "aria-label": `${src.name}: best passage score` })
            : null,
          h(
            "span",
            { class: "source-score num" },
            scored ? `best score ${num(src.best, 3)} · ${src.passages} cited passage${src.passages === 1 ? "" : "s"}` : src.note,
          ),
        );
      }),
    ),
  );
}

/** Turns `[3]` markers in the report into links to citation 3 (and so to its source). */
function linkMarkers(report: string, citations: Map<number, Citation>): Array<Node | string> {
  const out: Array<Node | string> = [];
  let last = 0;
  for (const match of report.matchAll(/\[(\d+)\]/g)) {
    const n = Number(match[1]);
    const citation = citations.get(n);
    if (!citation) continue;
    out.push(report.slice(last, match.index));
    out.push(h("a", { href: citation.href ?? `#cite-${n}`, class: "marker", title: citation.source, ...(citation.href ? { target: "_blank", rel: "noopener noreferrer" } : {}) }, `[${n}]`));
    last = (match.index ?? 0) + match[0].length;
  }
  out.push(report.slice(last));
  return out;
}

// ---- trade --------------------------------------------------------------------------------

export interface TradeSummary {
  fills: Obj[];
  filledQuantity: number | null;
  averagePrice: unknown;
  arrivalPrice: unknown;
  slippageBps: unknown;
  slippage: unknown;
}

export function tradeSummary(result: Obj): TradeSummary {
  const fills = firstArray(result, ["fills", "executions"]).filter(isObj);
  const qty = (f: Obj) => toNumber(f["quantity"] ?? f["qty"] ?? f["filled_quantity"]);
  const price = (f: Obj) => toNumber(f["price"] ?? f["fill_price"]);
  const total = fills.reduce((sum, f) => sum + (qty(f) ?? 0), 0);
  const notional = fills.reduce((sum, f) => sum + (qty(f) ?? 0) * (price(f) ?? 0), 0);
  const averagePrice = result["average_price"] ?? result["avg_price"] ?? (total > 0 ? notional / total : undefined);
  return {
    fills,
    filledQuantity: toNumber(result["filled_quantity"]) ?? (fills.length ? total : null),
    averagePrice,
    arrivalPrice: result["arrival_price"],
    slippageBps: result["slippage_bps"],
    slippage: result["slippage"],
  };
}

function renderTrade(result: Obj): HTMLElement {
  const summary = tradeSummary(result);
  const slices = firstArray(result, ["slices", "per_slice", "slice_detail"]).filter(isObj);
  const chart = tradeData(result);
  return h(
    "div",
    {},
    h(
      "dl",
      { class: "figures" },
      figure("Filled", summary.filledQuantity === null ? "—" : int(summary.filledQuantity)),
      figure("Average price", num(summary.averagePrice, 4)),
      figure("Arrival price", num(summary.arrivalPrice, 4)),
      summary.slippageBps !== undefined
        ? figure("Slippage", `${num(summary.slippageBps, 2)} bps`)
        : figure("Slippage", num(summary.slippage, 4)),
    ),
    chart ? h("section", {}, h("h3", {}, "Fills against the price path"), tradeChart(chart)) : null,
    summary.fills.length
      ? h(
          "section",
          {},
          h("h3", {}, `Fills (${summary.fills.length})`),
          table(
            ["slice", "client order id", "quantity", "price", "time"],
            summary.fills.map((f) => [
              str(f["slice"] ?? f["slice_index"]),
              str(f["client_order_id"] ?? f["order_id"]),
              int(f["quantity"] ?? f["qty"]),
              num(f["price"] ?? f["fill_price"], 4),
              str(f["ts"] ?? f["time"] ?? f["filled_at"]),
            ]),
            [2, 3],
          ),
        )
      : null,
    slices.length
      ? h("section", {}, h("h3", {}, "Per slice"), objectsTable(slices))
      : null,
    rest(result, ["fills", "executions", "filled_quantity", "average_price", "avg_price", "arrival_price", "slippage_bps", "slippage", "slices", "per_slice", "slice_detail", "price_path"]),
  );
}

// ---- analysis -----------------------------------------------------------------------------

export function equityCurve(result: Obj): unknown[] {
  const backtest = isObj(result["backtest"]) ? result["backtest"] : result;
  return firstArray(backtest, ["equity_curve", "equity"]);
}

function renderAnalysis(result: Obj): HTMLElement {
  const stats = pickObj(result, ["stats", "summary", "statistics"]);
  const backtest = pickObj(result, ["backtest"]);
  const curve = equityData(equityCurve(result));
  const returns = pickObj(result, ["returns", "volatility"]);
  return h(
    "div",
    {},
    stats ? h("section", {}, h("h3", {}, "Statistics"), statsTable(stats)) : null,
    backtest || curve
      ? h(
          "section",
          {},
          h("h3", {}, "Backtest"),
          backtest
            ? h(
                "dl",
                { class: "figures" },
                figure("Total return", pctValue(backtest["total_return"])),
                figure("Sharpe ratio", num(backtest["sharpe"] ?? backtest["sharpe_ratio"], 2)),
                figure("Max drawdown", pctValue(backtest["max_drawdown"])),
                backtest["trades"] !== undefined ? figure("Trades", int(Array.isArray(backtest["trades"]) ? backtest["trades"].length : backtest["trades"])) : null,
              )
            : null,
          curve ? equityChart(curve) : null,
        )
      : null,
    returns ? h("section", {}, h("h3", {}, "Returns and volatility"), statsTable(returns)) : null,
    rest(result, ["stats", "summary", "statistics", "backtest", "equity_curve", "equity", "returns", "volatility"]),
  );
}

function statsTable(stats: Obj): HTMLElement {
  const rows: Array<[string, string]> = [];
  const walk = (obj: Obj, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      if (isObj(value)) walk(value, `${prefix}${key}.`);
      else if (Array.isArray(value)) rows.push([`${prefix}${key}`, `${value.length} values`]);
      else rows.push([`${prefix}${key}`, typeof value === "number" ? num(value, Number.isInteger(value) ? 0 : 4) : str(value)]);
    }
  };
  walk(stats, "");
  return table(["", "value"], rows, [1]);
}

function pctValue(value: unknown): string {
  const n = toNumber(value);
  return n === null ? "—" : `${(n * 100).toFixed(2)}%`;
}

// ---- generic ------------------------------------------------------------------------------

function renderGeneric(result: Obj): HTMLElement {
  return h("pre", { class: "json" }, JSON.stringify(result, null, 2));
}

function rest(result: Obj, known: string[]): HTMLElement | null {
  const others = Object.fromEntries(Object.entries(result).filter(([k]) => !known.includes(k)));
  if (!Object.keys(others).length) return null;
  return h("details", { class: "more" }, h("summary", {}, "Other fields"), renderGeneric(others));
}

function objectsTable(rows: Obj[]): HTMLElement {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].slice(0, 8);
  const numeric = columns.map((c, i) => (rows.every((r) => typeof r[c] === "number") ? i : -1)).filter((i) => i >= 0);
  return table(columns, rows.map((r) => columns.map((c) => (typeof r[c] === "number" ? num(r[c], Number.isInteger(r[c]) ? 0 : 4) : str(r[c])))), numeric);
}

export function table(headers: string[], rows: Array<Array<Node | string>>, numericColumns: number[] = []): HTMLElement {
  const cls = (i: number) => (numericColumns.includes(i) ? "num" : null);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...headers.map((x, i) => h("th", { scope: "col", class: cls(i) }, x)))),
      h("tbody", {}, ...rows.map((row) => h("tr", {}, ...row.map((cell, i) => h("td", { class: cls(i) }, cell))))),
    ),
  );
}

function figure(label: string, value: string): HTMLElement[] {
  return [h("dt", {}, label), h("dd", { class: "num" }, value)];
}

// ---- helpers ------------------------------------------------------------------------------

function isObj(value: unknown): value is Obj {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function toNumber(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function firstArray(obj: Obj, keys: string[]): unknown[] {
  for (const key of keys) {
    const value = obj[key];
    if (Array.isArray(value)) return value;
  }
  return [];
}

function pickObj(obj: Obj, keys: string[]): Obj | null {
  for (const key of keys) {
    const value = obj[key];
    if (isObj(value)) return value;
  }
  return null;
}
