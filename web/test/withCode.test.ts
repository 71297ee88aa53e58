// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { withCode } from "../src/dom";
import { buildFields, initialRaw } from "../src/schemaForm";
import { renderForm } from "../src/views/formView";

describe("field help with code in it", () => {
  it("shows backticked spans as code and the rest as text", () => {
    const parts = withCode("`terminal`: the end; ``tag`` filters, not `a`b");
    const html = parts.map((part) => (typeof part === "string" ? part : (part as Element).outerHTML)).join("");
    expect(html).toBe("<code>terminal</code>: the end; <code>tag</code> filters, not <code>a</code>b");
  });

  it("renders a field's description with its code spans, never as HTML", () => {
    const fields = buildFields({
      type: "object",
      properties: { events: { type: "string", description: "`terminal` or <b>not</b>", title: "Events" } },
    });
    const form = renderForm(fields, initialRaw(fields));
    const help = form.element.querySelector("#f-events-help");
    expect(help?.querySelector("code")?.textContent).toBe("terminal");
    expect(help?.textContent).toBe("terminal or <b>not</b>");
    expect(help?.querySelector("b")).toBeNull();
  });
});
