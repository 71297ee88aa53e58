/**
 * Renders a form model (schemaForm.ts) as labelled inputs with their descriptions and an
 * error slot beside each, reads the raw values back, and shows field errors.
 */

import { h, withCode } from "../dom";
import { type FieldModel, type RawValue, fieldHelp } from "../schemaForm";

export interface RenderedForm {
  element: HTMLElement;
  read(): Record<string, RawValue>;
  showErrors(byField: Record<string, string[] | string>): void;
  /** The first field with an error, to move focus to. */
  firstError(): HTMLElement | null;
}


type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLElement;

/** `idPrefix` keeps the ids of two forms on one page apart. */
export function renderForm(fields: FieldModel[], initial: Record<string, RawValue>, idPrefix = "f"): RenderedForm {
  const idFor = (path: string) => `${idPrefix}-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const inputs = new Map<string, Control>();
  const errors = new Map<string, HTMLElement>();

  const renderField = (field: FieldModel): HTMLElement | null => {
    if (field.kind === "const") return null;
    if (field.kind === "object" && field.children) {
      return h(
        "fieldset",
        { class: "group" },
        h("legend", {}, field.label),
        field.description ? h("p", { class: "muted" }, withCode(field.description)) : null,
        ...field.children.map(renderField),
      );
    }
    const id = idFor(field.path);
    const help = fieldHelp(field);
    const describedBy = `${id}-help ${id}-error`;
    const input = control(field, id, initial[field.path], describedBy);
    inputs.set(field.path, input);
    const error = h("p", { id: `${id}-error`, class: "field-error", "aria-live": "polite" });
    errors.set(field.path, error);
    const label = h("label", { for: id, id: `${id}-label` }, field.label, field.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
    if (field.kind === "boolean") {
      return h("div", { class: "field field-check", "data-field": field.path }, input, label, h("p", { id: `${id}-help`, class: "muted" }, withCode(help)), error);
    }
    return h("div", { class: "field", "data-field": field.path }, label, input, h("p", { id: `${id}-help`, class: "muted" }, withCode(help)), error);
  };

  const element = h("div", { class: "fields" }, ...fields.map(renderField));
  return {
    element,
    read() {
      const out: Record<string, RawValue> = {};
      for (const [path, input] of inputs) out[path] = readControl(input);
      return out;
    },
    showErrors(byField) {
      for (const [path, slot] of errors) {
        const messages = byField[path];
        const text = Array.isArray(messages) ? messages.join("; ") : messages ?? "";
        slot.textContent = text;
        inputs.get(path)?.setAttribute("aria-invalid", text ? "true" : "false");
      }
    },
    firstError() {
      for (const [path, slot] of errors) if (slot.textContent) return inputs.get(path) ?? null;
      return null;
    },
  };
}

function readControl(input: Control): RawValue {
  if (input instanceof HTMLInputElement && input.type === "checkbox") return input.checked;
  if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement || input instanceof HTMLTextAreaElement) {
    return input.value;
  }
  // a group of choices: the ticked ones, one per line
  const ticked = input.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked");
  return Array.from(ticked, (box) => box.value).join("\n");
}

function control(field: FieldModel, id: string, value: RawValue | undefined, describedBy: string): Control {
  const common = { id, name: field.path, "aria-describedby": describedBy, required: field.required && field.kind !== "boolean" };
  switch (field.kind) {
    case "choices": {
      const ticked = new Set(typeof value === "string" ? value.split("\n") : []);
      return h(
        "div",
        { id, class: "choices", role: "group", tabindex: "-1", "aria-labelledby": `${id}-label`, "aria-describedby": describedBy },
        ...(field.options ?? []).map((option) =>
          h(
            "label",
            { class: "choice" },
            h("input", { type: "checkbox", name: field.path, value: String(option), checked: ticked.has(String(option)) }),
            ` ${String(option)}`,
          ),
        ),
      );
    }
    case "boolean":
      return h("input", { ...common, type: "checkbox", checked: value === true });
    case "enum":
      return h(
        "select",
        common,
        field.required ? null : h("option", { value: "" }, "—"),
        ...(field.options ?? []).map((o) => h("option", { value: String(o), selected: String(o) === value }, String(o))),
      );
    case "number":
    case "integer": {
      const input = h("input", {
        ...common,
        type: "number",
        inputmode: field.kind === "integer" ? "numeric" : "decimal",
        step: field.kind === "integer" ? 1 : "any",
        min: field.min !== undefined && !field.exclusiveMin ? field.min : undefined,
        max: field.max !== undefined && !field.exclusiveMax ? field.max : undefined,
      });
      input.value = typeof value === "string" ? value : "";
      return input;
    }
    case "list":
    case "json":
    case "text": {
      const area = h("textarea", { ...common, rows: field.kind === "json" ? 6 : 3, spellcheck: field.kind === "text" ? "true" : "false" });
      area.value = typeof value === "string" ? value : "";
      return area;
    }
    default: {
      const input = h("input", {
        ...common,
        type: field.format === "uri" ? "url" : "text",
        minlength: field.minLength,
        maxlength: field.maxLength,
      });
      input.value = typeof value === "string" ? value : "";
      return input;
    }
  }
}
