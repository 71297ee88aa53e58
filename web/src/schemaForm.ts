/**
 * JSON Schema (as pydantic v2 emits it for a job type's input model) → a form model, and
 * the form's raw inputs → the JSON body to POST. Pure, so it is tested without a DOM.
 *
 * Understood: string (with format/pattern/length), number and integer with bounds, enum and
 * const, boolean, arrays of strings or numbers, arrays of fixed choices (checkboxes), nested
 * objects, `anyOf [X, null]` (optional),
 * `$ref` into `$defs` (or any local JSON Pointer). Anything else (unions of objects, arrays of objects) becomes a JSON
 * text field, so every job type can still be submitted.
 */

import type { FieldProblem, JsonSchema, Problem } from "./types";

export type FieldKind =
  | "string"
  | "text"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "list"
  | "choices"
  | "object"
  | "json"
  | "const";

export interface FieldModel {
  /** Dotted path of the value in the body, e.g. `limits.max_sources`. */
  path: string;
  name: string;
  label: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  nullable: boolean;
  defaultValue: unknown;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  options?: Array<string | number>;
  /** For `list`: the kind of each item (`string`, `number` or `integer`). */
  itemKind?: "string" | "number" | "integer";
  children?: FieldModel[];
}

/** Fields the console never shows: the server fills them in. */
const HIDDEN = new Set(["schema_version"]);

/** The form of an object schema; its `$ref`s resolve against `root` (the schema itself, or
 * the OpenAPI document it was taken from). */
export function buildFields(schema: JsonSchema, root: JsonSchema = schema): FieldModel[] {
  return objectFields(schema, root, "");
}

function objectFields(schema: JsonSchema, root: JsonSchema, prefix: string): FieldModel[] {
  const resolved = resolve(schema, root);
  const required = new Set(resolved.required ?? []);
  return Object.entries(resolved.properties ?? {})
    .filter(([name]) => !HIDDEN.has(name))
    .map(([name, prop]) => fieldFor(name, prop, root, prefix, required.has(name)));
}

function fieldFor(
  name: string,
  raw: JsonSchema,
  root: JsonSchema,
  prefix: string,
  required: boolean,
): FieldModel {
  const path = prefix ? `${prefix}.${name}` : name;
  const { schema, nullable } = unwrapOptional(resolve(raw, root), root);
  const base: FieldModel = {
    path,
    name,
    // A referenced definition's title names a type ("WebhookEvents"), not this field.
    label: raw.title ?? (refersToDefinition(raw) ? undefined : schema.title) ?? humanize(name),
    description: raw.description ?? schema.description ?? "",
    kind: "json",
    required,
    nullable,
    defaultValue: raw.default ?? schema.default,
  };
  const type = primaryType(schema);
  if (schema.const !== undefined) return { ...base, kind: "const", defaultValue: schema.const };
  if (schema.enum && schema.enum.length === 1 && name === "type") {
    return { ...base, kind: "const", defaultValue: schema.enum[0] };
  }
  if (schema.enum) {
    return { ...base, kind: "enum", options: schema.enum.filter(isScalar) as Array<string | number> };
  }
  if (type === "boolean") return { ...base, kind: "boolean" };
  if (type === "integer" || type === "number") return { ...base, ...bounds(schema), kind: type };
  if (type === "string") {
    // A URL is one line however long it may be.
    const long = ((schema.maxLength ?? 0) > 200 && schema.format !== "uri") || schema.format === "textarea";
    return {
      ...base,
      kind: long ? "text" : "string",
      minLength: schema.minLength,
      maxLength: schema.maxLength,
      pattern: schema.pattern,
      format: schema.format,
    };
  }
  if (type === "array" && schema.items) {
    const item = unwrapOptional(resolve(schema.items, root), root).schema;
    const itemType = primaryType(item);
    if (item.enum && item.enum.every(isScalar)) {
      return { ...base, kind: "choices", options: item.enum as Array<string | number> };
    }
    if (itemType === "string" || itemType === "number" || itemType === "integer") {
      if (!item.anyOf && !item.oneOf) return { ...base, kind: "list", itemKind: itemType };
    }
    return base;
  }
  if (type === "object" && schema.properties) {
    return { ...base, kind: "object", children: objectFields(schema, root, path) };
  }
  return base;
}

function bounds(schema: JsonSchema): Partial<FieldModel> {
  const out: Partial<FieldModel> = {};
  if (schema.minimum !== undefined) out.min = schema.minimum;
  if (schema.exclusiveMinimum !== undefined) {
    out.min = schema.exclusiveMinimum;
    out.exclusiveMin = true;
  }
  if (schema.maximum !== undefined) out.max = schema.maximum;
  if (schema.exclusiveMaximum !== undefined) {
    out.max = schema.exclusiveMaximum;
    out.exclusiveMax = true;
  }
  return out;
}

function resolve(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  let current = schema;
  if (current.allOf && current.allOf.length === 1 && !current.properties) {
    current = { ...current.allOf[0], ...omit(current, "allOf") };
  }
  if (current.$ref && depth < 20) {
    const target = lookup(current.$ref, root);
    if (target) return resolve({ ...target, ...omit(current, "$ref") }, root, depth + 1);
  }
  return current;
}

/** A local JSON Pointer (`#/$defs/X`, or an OpenAPI document's `#/components/schemas/X`). */
function lookup(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const token of ref.slice(2).split("/")) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "object" && node !== null ? (node as JsonSchema) : undefined;
}

/** `anyOf: [X, {type: null}]` → X, nullable. Decimal's `[number, string]` → number. */
function unwrapOptional(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const variants = schema.anyOf ?? schema.oneOf;
  if (!variants) return { schema, nullable: false };
  const rest = omit(omit(schema, "anyOf"), "oneOf");
  const nonNull = variants.filter((v) => v.type !== "null");
  const nullable = nonNull.length < variants.length;
  if (nonNull.length === 1) return { schema: { ...resolve(nonNull[0], root), ...rest }, nullable };
  const numeric = nonNull.find((v) => v.type === "number" || v.type === "integer");
  if (numeric && nonNull.every((v) => v.type === "number" || v.type === "integer" || v.type === "string")) {
    return { schema: { ...numeric, ...rest }, nullable }; // pydantic's Decimal
  }
  return { schema, nullable };
}

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  if (schema.type) return schema.type;
  if (schema.properties) return "object";
  return undefined;
}

function omit<K extends keyof JsonSchema>(schema: JsonSchema, key: K): JsonSchema {
  const { [key]: _dropped, ...rest } = schema;
  return rest;
}

function isScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number";
}

/**
 * The help line under a field: its description, then the limits the server enforces, so a
 * person sees them before sending rather than only in the error they cause.
 */
export function fieldHelp(field: FieldModel): string {
  const limits: string[] = [];
  if (field.kind === "list") limits.push("one per line");
  if (field.kind === "json") limits.push("JSON");
  if (field.min !== undefined) limits.push(`${field.exclusiveMin ? ">" : "≥"} ${field.min}`);
  if (field.max !== undefined) limits.push(`${field.exclusiveMax ? "<" : "≤"} ${field.max}`);
  if (field.maxLength !== undefined) limits.push(`at most ${field.maxLength} characters`);
  const description = field.description.trim();
  // A description that already states a limit ("at most 2083 characters") is not repeated.
  const text = limits.filter((limit) => !description.includes(limit)).join(", ");
  if (!description || !text) return description || text;
  return `${description}${/[.!?:]$/.test(description) ? "" : ";"} ${text}`;
}

function refersToDefinition(schema: JsonSchema): boolean {
  const variants = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return schema.$ref !== undefined || variants.some(refersToDefinition);
}

export function humanize(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every field path, nested ones included, for mapping errors. */
export function allPaths(fields: FieldModel[]): string[] {
  return fields.flatMap((f) => [f.path, ...(f.children ? allPaths(f.children) : [])]);
}

// ---- values -------------------------------------------------------------------------------

/** What the DOM holds for a field: text for inputs, a flag for checkboxes. */
export type RawValue = string | boolean;

/** The text an input shows for a value (the default, the example or a spec to restart). */
export function toRaw(field: FieldModel, value: unknown): RawValue {
  if (field.kind === "boolean") return value === true;
  if (value === undefined || value === null) return "";
  if ((field.kind === "list" || field.kind === "choices") && Array.isArray(value)) {
    return value.map(String).join("\n");
  }
  if (field.kind === "json") return JSON.stringify(value, null, 2);
  return String(value);
}

/** Initial raw values: a given spec's values first, then the example's, then defaults. */
export function initialRaw(
  fields: FieldModel[],
  ...sources: Array<Record<string, unknown> | undefined>
): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  const visit = (list: FieldModel[]) => {
    for (const field of list) {
      if (field.children) {
        visit(field.children);
        continue;
      }
      const found = sources.map((s) => (s ? getPath(s, field.path) : undefined)).find((v) => v !== undefined);
      out[field.path] = toRaw(field, found !== undefined ? found : field.defaultValue);
    }
  };
  visit(fields);
  return out;
}

export interface BuildResult {
  value: Record<string, unknown>;
  /** Problems found before sending (unparseable numbers or JSON), by field path. */
  errors: Record<string, string>;
}

/**
 * The body to POST. Empty optional inputs are left out so the server's defaults apply;
 * range and pattern checks are the server's job (its field errors are shown beside fields).
 */
export function buildValue(fields: FieldModel[], raw: Record<string, RawValue>): BuildResult {
  const build = (list: FieldModel[], errors: Record<string, string>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of list) {
      if (field.kind === "object" && field.children) {
        const inner: Record<string, string> = {};
        const nested = build(field.children, inner);
        const filled = field.nullable ? changed(field.children, nested) : Object.keys(nested).length > 0;
        if (field.required || filled) {
          out[field.name] = nested;
          Object.assign(errors, inner);
        }
        continue;
      }
      const parsed = parse(field, raw[field.path]);
      if ("error" in parsed) errors[field.path] = parsed.error;
      else if (parsed.value !== undefined) out[field.name] = parsed.value;
    }
    return out;
  };
  const errors: Record<string, string> = {};
  return { value: build(fields, errors), errors };
}

/**
 * Whether an optional object (one the server takes as null, like a job's `webhook`) was
 * filled in: its inputs' defaults alone would send a half object the server refuses.
 */
function changed(children: FieldModel[], nested: Record<string, unknown>): boolean {
  return children.some(
    (child) => child.name in nested && JSON.stringify(nested[child.name]) !== JSON.stringify(child.defaultValue),
  );
}

function parse(field: FieldModel, raw: RawValue | undefined): { value: unknown } | { error: string } {
  if (field.kind === "const") return { value: field.defaultValue };
  if (field.kind === "boolean") return { value: raw === true };
  if (field.kind === "choices") return parseChoices(field, raw);
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") {
    if (field.required && field.defaultValue === undefined && field.kind !== "list") {
      return { error: "required" };
    }
    return { value: field.nullable && field.required ? null : undefined };
  }
  switch (field.kind) {
    case "number":
    case "integer": {
      const number = Number(text);
      if (!Number.isFinite(number)) return { error: "not a number" };
      if (field.kind === "integer" && !Number.isInteger(number)) return { error: "must be a whole number" };
      return { value: number };
    }
    case "enum": {
      const option = field.options?.find((o) => String(o) === text);
      return option === undefined ? { error: "choose one of the options" } : { value: option };
    }
    case "list": {
      const items = text.split("\n").map((s) => s.trim()).filter(Boolean);
      if (field.itemKind === "string") return { value: items };
      const numbers = items.map(Number);
      if (numbers.some((n) => !Number.isFinite(n))) return { error: "one number per line" };
      return { value: numbers };
    }
    case "json":
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: "not valid JSON" };
      }
    default:
      return { value: text };
  }
}

/**
 * The ticked choices, in the schema's order. None ticked is sent as `[]` (the server says
 * whether that is allowed) rather than left out, which would bring back the default.
 */
function parseChoices(field: FieldModel, raw: RawValue | undefined): { value: unknown } | { error: string } {
  const ticked = new Set(typeof raw === "string" ? raw.split("\n").map((s) => s.trim()).filter(Boolean) : []);
  const options = field.options ?? [];
  const unknown = [...ticked].filter((choice) => !options.some((o) => String(o) === choice));
  if (unknown.length) return { error: `not a choice: ${unknown.join(", ")}` };
  return { value: options.filter((o) => ticked.has(String(o))) };
}

export function getPath(value: Record<string, unknown>, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

// ---- server errors ------------------------------------------------------------------------

export interface MappedErrors {
  byField: Record<string, string[]>;
  /** Problems no field of the form owns (and the problem's detail when nothing else says). */
  general: string[];
}

/**
 * Places each `errors[].field` of a problem beside its field: the exact path, else the
 * deepest field path it starts with (`sources.0.url` → `sources`), after dropping a leading
 * `body.` or `spec.` that some validators prepend.
 */
export function mapProblem(problem: Problem, paths: string[]): MappedErrors {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  const known = [...paths].sort((a, b) => b.length - a.length);
  for (const item of problem.errors ?? ([] as FieldProblem[])) {
    const field = normalizeField(String(item.field ?? ""));
    const target = known.find((p) => field === p || field.startsWith(`${p}.`));
    if (target) (byField[target] ??= []).push(item.message);
    else general.push(field ? `${field}: ${item.message}` : item.message);
  }
  if (!Object.keys(byField).length && !general.length) {
    general.push(problem.detail || problem.title);
  }
  return { byField, general };
}

function normalizeField(field: string): string {
  return field
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^(body|spec)\./, "")
    .replace(/^\./, "");
}
