import { describe, expect, it } from "vitest";
import { allPaths, buildFields, buildValue, fieldHelp, initialRaw, mapProblem } from "../src/schemaForm";
import type { JsonSchema } from "../src/types";

/** Shaped like pydantic v2's model_json_schema() of a trade input. */
const trade: JsonSchema = {
  title: "TradeInput",
  type: "object",
  $defs: {
    Side: { enum: ["buy", "sell"], title: "Side", type: "string" },
    Limits: {
      type: "object",
      properties: { max_notional: { type: "number", minimum: 0, title: "Max Notional" } },
    },
    Source: {
      type: "object",
      properties: { url: { type: "string" } },
    },
  },
  properties: {
    schema_version: { type: "integer", default: 1 },
    type: { const: "trade", type: "string", default: "trade" },
    symbol: { type: "string", minLength: 1, maxLength: 12, description: "Ticker" },
    side: { $ref: "#/$defs/Side" },
    quantity: { type: "integer", exclusiveMinimum: 0, maximum: 1000000 },
    limit_price: { anyOf: [{ type: "number" }, { type: "string" }, { type: "null" }], default: null },
    strategy: { enum: ["twap", "vwap"], type: "string", default: "twap" },
    dry_run: { type: "boolean", default: false },
    tags: { type: "array", items: { type: "string" }, default: [] },
    limits: { $ref: "#/$defs/Limits" },
    sources: { type: "array", items: { anyOf: [{ $ref: "#/$defs/Source" }, { type: "string" }] } },
  },
  required: ["symbol", "side", "quantity"],
};

describe("schema → form fields", () => {
  const fields = buildFields(trade);
  const byPath = Object.fromEntries(
    [...fields, ...fields.flatMap((f) => f.children ?? [])].map((f) => [f.path, f]),
  );

  it("maps each property to a field of the right kind", () => {
    expect(fields.map((f) => [f.path, f.kind])).toEqual([
      ["type", "const"],
      ["symbol", "string"],
      ["side", "enum"],
      ["quantity", "integer"],
      ["limit_price", "number"],
      ["strategy", "enum"],
      ["dry_run", "boolean"],
      ["tags", "list"],
      ["limits", "object"],
      ["sources", "json"],
    ]);
  });

  it("keeps bounds, options, required and descriptions", () => {
    expect(byPath.quantity).toMatchObject({ min: 0, exclusiveMin: true, max: 1000000, required: true });
    expect(byPath.side.options).toEqual(["buy", "sell"]);
    expect(byPath.symbol).toMatchObject({ description: "Ticker", maxLength: 12, label: "Symbol" });
    expect(byPath.limit_price).toMatchObject({ nullable: true, required: false });
    expect(byPath["limits.max_notional"]).toMatchObject({ kind: "number", min: 0 });
  });

  it("turns raw inputs into the body, leaving empty optional fields to the server", () => {
    const raw = initialRaw(fields, { symbol: "ACME", quantity: 100, tags: ["a", "b"] });
    raw.side = "sell";
    raw["limits.max_notional"] = "5000.5";
    raw.sources = '["https://example.org"]';
    const { value, errors } = buildValue(fields, raw);
    expect(errors).toEqual({});
    expect(value).toEqual({
      type: "trade",
      symbol: "ACME",
      side: "sell",
      quantity: 100,
      strategy: "twap",
      dry_run: false,
      tags: ["a", "b"],
      limits: { max_notional: 5000.5 },
      sources: ["https://example.org"],
    });
  });

  it("reports inputs it cannot parse before sending", () => {
    const raw = initialRaw(fields);
    raw.quantity = "1.5";
    raw.sources = "{nope";
    const { errors } = buildValue(fields, raw);
    expect(errors).toMatchObject({ quantity: "must be a whole number", sources: "not valid JSON", symbol: "required" });
  });

  it("prefills from a spec first, then an example, then defaults", () => {
    const raw = initialRaw(fields, { quantity: 7 }, { quantity: 1, symbol: "EX" });
    expect(raw).toMatchObject({ quantity: "7", symbol: "EX", strategy: "twap", dry_run: false });
  });
});

describe("problem details → field errors", () => {
  const paths = allPaths(buildFields(trade));

  it("puts each error beside its field, nested and indexed paths included", () => {
    const mapped = mapProblem(
      {
        title: "Unprocessable",
        status: 422,
        errors: [
          { field: "quantity", message: "must be greater than 0" },
          { field: "body.limits.max_notional", message: "too large" },
          { field: "sources[0].url", message: "not a URL" },
          { field: "colour", message: "extra field" },
        ],
      },
      paths,
    );
    expect(mapped.byField).toEqual({
      quantity: ["must be greater than 0"],
      "limits.max_notional": ["too large"],
      sources: ["not a URL"],
    });
    expect(mapped.general).toEqual(["colour: extra field"]);
  });

  it("falls back to the problem's detail", () => {
    expect(mapProblem({ title: "Too Many Requests", status: 429, detail: "slow down" }, paths)).toEqual({
      byField: {},
      general: ["slow down"],
    });
  });
});

describe("field help", () => {
  const fields = Object.fromEntries(buildFields(trade).map((f) => [f.path, f]));

  it("shows the limits beside a description, so they are known before the server refuses", () => {
    expect(fieldHelp(fields["symbol"])).toBe("Ticker; at most 12 characters");
    expect(fieldHelp({ ...fields["quantity"], description: "How many." })).toBe("How many. > 0, ≤ 1000000");
  });

  it("shows the limits alone, or the description alone, without stray separators", () => {
    expect(fieldHelp(fields["quantity"])).toBe("> 0, ≤ 1000000");
    expect(fieldHelp(fields["tags"])).toBe("one per line");
    // A limit the description states already is not said twice.
    expect(fieldHelp({ ...fields["symbol"], description: "A ticker, at most 12 characters." })).toBe(
      "A ticker, at most 12 characters.",
    );
    expect(fieldHelp({ ...fields["side"], description: "Buy or sell." })).toBe("Buy or sell.");
  });
});

describe("the priority every job type accepts", () => {
  it("is an optional integer field bounded 1..5 with Temporal's default, 3", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        type: { const: "count", type: "string", default: "count" },
        priority: { type: "integer", minimum: 1, maximum: 5, default: 3, description: "1 runs first, 5 last" },
      },
    };
    const [priority] = buildFields(schema).filter((f) => f.path === "priority");
    expect(priority).toMatchObject({ kind: "integer", min: 1, max: 5, defaultValue: 3, required: false });
  });
});
