import { describe, expect, it } from "vitest";
import { buildFields, buildValue, initialRaw } from "../src/schemaForm";
import type { JsonSchema } from "../src/types";

/** A job type's input as the server publishes it, with the `webhook` every type accepts. */
const counting: JsonSchema = {
  title: "CountInput",
  type: "object",
  $defs: {
    WebhookEvents: { enum: ["terminal", "state_changes"], title: "WebhookEvents", type: "string" },
    WebhookSpec: {
      properties: {
        url: { format: "uri", maxLength: 2083, minLength: 1, title: "Url", type: "string" },
        events: { $ref: "#/$defs/WebhookEvents", default: "terminal" },
      },
      required: ["url"],
      title: "WebhookSpec",
      type: "object",
    },
  },
  properties: {
    type: { const: "count", type: "string", default: "count" },
    items: { type: "integer", minimum: 1 },
    webhook: { anyOf: [{ $ref: "#/$defs/WebhookSpec" }, { type: "null" }], default: null },
  },
  required: ["items"],
};

describe("the submit form's webhook", () => {
  const fields = buildFields(counting);

  it("offers the webhook's URL and its choice of events", () => {
    const webhook = fields.find((f) => f.path === "webhook");
    expect(webhook?.kind).toBe("object");
    expect(webhook?.children?.map((c) => [c.path, c.kind])).toEqual([
      ["webhook.url", "string"],
      ["webhook.events", "enum"],
    ]);
    // Labelled by the field's name, not by its enum's type name.
    expect(webhook?.children?.map((c) => c.label)).toEqual(["Url", "Events"]);
    expect(webhook?.label).toBe("Webhook");
  });

  it("sends no webhook when its URL is left empty, though its events have a default", () => {
    const raw = initialRaw(fields);
    raw.items = "3";
    expect(raw["webhook.events"]).toBe("terminal");
    expect(buildValue(fields, raw)).toEqual({ value: { type: "count", items: 3 }, errors: {} });
  });

  it("sends the webhook once its URL is filled in", () => {
    const raw = { ...initialRaw(fields), items: "3", "webhook.url": "https://example.com/hook" };
    expect(buildValue(fields, raw).value).toEqual({
      type: "count",
      items: 3,
      webhook: { url: "https://example.com/hook", events: "terminal" },
    });
  });

  it("says the URL is missing once another of the webhook's inputs is changed", () => {
    const raw = { ...initialRaw(fields), items: "3", "webhook.events": "state_changes" };
    const built = buildValue(fields, raw);
    expect(built.value.webhook).toEqual({ events: "state_changes" });
    expect(built.errors).toEqual({ "webhook.url": "required" });
  });
});
