// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { buildFields, buildValue, initialRaw } from "../src/schemaForm";
import type { JsonSchema } from "../src/types";
import { renderForm } from "../src/views/formView";

/** Shaped like pydantic v2's schema of a list of enum values with a default (analyses). */
const analysis: JsonSchema = {
  type: "object",
  $defs: { Analysis: { enum: ["stats", "returns", "volatility", "backtest"], title: "Analysis", type: "string" } },
  properties: {
    analyses: { type: "array", items: { $ref: "#/$defs/Analysis" }, default: ["stats", "backtest"], minItems: 1 },
  },
};

describe("a list of fixed choices", () => {
  const fields = buildFields(analysis);

  it("is a group of checkboxes, ticked from the default", () => {
    expect(fields[0]).toMatchObject({ kind: "choices", options: ["stats", "returns", "volatility", "backtest"] });
    const form = renderForm(fields, initialRaw(fields));
    const boxes = Array.from(form.element.querySelectorAll<HTMLInputElement>("input[type=checkbox]"));
    expect(boxes.map((box) => [box.value, box.checked])).toEqual([
      ["stats", true],
      ["returns", false],
      ["volatility", false],
      ["backtest", true],
    ]);
    expect(form.element.querySelector("[role=group]")?.getAttribute("aria-labelledby")).toBe("f-analyses-label");
  });

  it("sends what is ticked in the schema's order, and [] rather than the default when nothing is", () => {
    const form = renderForm(fields, initialRaw(fields));
    const boxes = form.element.querySelectorAll<HTMLInputElement>("input[type=checkbox]");
    boxes[0].checked = false;
    boxes[2].checked = true;
    expect(buildValue(fields, form.read())).toEqual({ value: { analyses: ["volatility", "backtest"] }, errors: {} });
    for (const box of boxes) box.checked = false;
    expect(buildValue(fields, form.read()).value).toEqual({ analyses: [] });
  });

  it("refuses a choice the schema does not offer", () => {
    expect(buildValue(fields, { analyses: "stats\nsorcery" }).errors).toEqual({ analyses: "not a choice: sorcery" });
  });
});
