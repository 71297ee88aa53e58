/**
 * Submitting a job: pick a type, fill the form generated from its JSON Schema, send it.
 * The API's field errors appear beside their fields. With `from=<job>` the form is prefilled
 * with that job's spec and sends a restart (a fresh run of the amended spec).
 */

import { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { h } from "../dom";
import { shortId } from "../format";
import { jobHref, submitHref } from "../router";
import { allPaths, buildFields, buildValue, initialRaw, mapProblem } from "../schemaForm";
import type { JobRecord, JobTypeInfo } from "../types";
import { renderForm } from "./formView";
import { loading, notice, typeChooser } from "./widgets";

export function mountSubmit(main: HTMLElement, ctx: AppContext, type: string | null, from: string | null): Unmount {
  let alive = true;
  main.replaceChildren(loading());
  void (async () => {
    let types: JobTypeInfo[];
    let source: JobRecord | null = null;
    try {
      types = await ctx.jobTypes();
      if (from) source = await ctx.api.job(from);
    } catch (error) {
      if (alive) main.replaceChildren(notice("error", `Cannot load job types: ${(error as ApiError).message}`));
      return;
    }
    if (!alive) return;
    const chosen = types.find((t) => t.type === (type ?? source?.type));
    if (!chosen) {
      main.replaceChildren(typeChooser("New job", types, type, submitHref));
      return;
    }
    main.replaceChildren(form(ctx, chosen, source));
    main.querySelector<HTMLElement>("input, select, textarea")?.focus();
  })();
  return () => {
    alive = false;
  };
}

function form(ctx: AppContext, info: JobTypeInfo, source: JobRecord | null): HTMLElement {
  const fields = buildFields(info.schema);
  const rendered = renderForm(fields, initialRaw(fields, source?.spec, info.example));
  const general = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "primary" }, source ? "Restart with this spec" : `Submit ${info.type} job`);
  // One key per filled-in form: a double click or a retried POST gives the same job.
  let idempotencyKey = crypto.randomUUID();
  const el = h(
    "form",
    { class: "submit-form", novalidate: true, "aria-labelledby": "submit-title", "data-job-type": info.type },
    h("h1", { id: "submit-title" }, source ? `Restart ${info.type} job ` : `New ${info.type} job`, source ? h("a", { href: jobHref(source.job_id), class: "mono" }, shortId(source.job_id)) : null),
    info.description ? h("p", { class: "muted" }, info.description) : null,
    rendered.element,
    general,
    h("div", { class: "actions" }, submit, h("a", { href: "#/submit", class: "button" }, "Other type")),
  );
  el.addEventListener("input", () => {
    idempotencyKey = crypto.randomUUID(); // a changed form is a new request
  });
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    general.replaceChildren();
    const { value, errors } = buildValue(fields, rendered.read());
    rendered.showErrors(errors);
    if (Object.keys(errors).length) {
      rendered.firstError()?.focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      const job = source
        ? await ctx.api.control(source.job_id, "restart", value)
        : await ctx.api.submit(value, idempotencyKey);
      ctx.navigate(jobHref(job.job_id));
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
      const mapped = mapProblem(problem, allPaths(fields));
      rendered.showErrors(mapped.byField);
      if (mapped.general.length) {
        general.replaceChildren(notice("error", h("strong", {}, `${problem.title || "Refused"}: `), mapped.general.join("; ")));
      }
      (rendered.firstError() ?? submit).focus();
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  });
  return el;
}
