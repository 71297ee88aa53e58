/**
 * The Settings page: the user's default webhook (where their jobs whose spec names none
 * deliver) and the key their receivers verify its signatures with. The webhook's form is
 * built from the API's served `WebhookSpec` schema, as a job's webhook field is.
 */

import { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { h } from "../dom";
import { allPaths, buildFields, buildValue, initialRaw, mapProblem } from "../schemaForm";
import type { DefaultWebhook, JsonSchema, Problem } from "../types";
import { renderForm } from "./formView";
import { loading, notice } from "./widgets";

export function mountSettings(main: HTMLElement, ctx: AppContext): Unmount {
  let alive = true;
  main.replaceChildren(loading());
  void (async () => {
    let openapi: JsonSchema;
    let current: DefaultWebhook;
    try {
      [openapi, current] = await Promise.all([ctx.api.openapi(), ctx.api.defaultWebhook()]);
    } catch (error) {
      if (alive) main.replaceChildren(notice("error", `Cannot load your settings: ${(error as ApiError).message}`));
      return;
    }
    if (!alive) return;
    main.replaceChildren(h("h1", {}, "Settings"), webhookSection(ctx, openapi, current), secretSection(ctx));
  })();
  return () => {
    alive = false;
  };
}

function describe(current: DefaultWebhook): string {
  if (!current.webhook) return "None: your jobs deliver only to a webhook their spec names.";
  const who = current.source === "user" ? "you" : "the operator, for you";
  return `${current.webhook.url} (${current.webhook.events} events), set by ${who}.`;
}

function webhookSection(ctx: AppContext, openapi: JsonSchema, current: DefaultWebhook): HTMLElement {
  const schema = (openapi as { components?: { schemas?: Record<string, JsonSchema> } }).components?.schemas?.WebhookSpec;
  if (!schema) return notice("error", "The API's OpenAPI document has no WebhookSpec.");
  const fields = buildFields(schema, openapi);
  const rendered = renderForm(fields, initialRaw(fields, current.webhook ?? undefined), "webhook");
  const shown = h("p", { "data-testid": "default-webhook" }, describe(current));
  const status = h("div", { "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "primary" }, "Save default webhook");
  const clear = h("button", { type: "button" }, "Clear");
  const busy = (on: boolean) => {
    save.disabled = on;
    clear.disabled = on;
  };
  const settled = (now: DefaultWebhook, message: string) => {
    shown.textContent = describe(now);
    status.replaceChildren(notice("info", message));
  };
  const refused = (error: unknown) => {
    const problem: Problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
    const mapped = mapProblem(problem, allPaths(fields));
    rendered.showErrors(mapped.byField);
    status.replaceChildren(mapped.general.length ? notice("error", `${problem.title}: ${mapped.general.join("; ")}`) : "");
  };
  const form = h(
    "form",
    { class: "submit-form", novalidate: true, "aria-labelledby": "webhook-title", "data-testid": "webhook-form" },
    h("h2", { id: "webhook-title" }, "Default webhook"),
    h("p", { class: "muted" }, "Jobs you submit without a webhook of their own POST their events here, signed."),
    shown,
    rendered.element,
    status,
    h("div", { class: "actions" }, save, clear),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const { value, errors } = buildValue(fields, rendered.read());
    rendered.showErrors(errors);
    if (Object.keys(errors).length) return;
    busy(true);
    try {
      settled(await ctx.api.setDefaultWebhook(value), "Saved: new jobs deliver here.");
    } catch (error) {
      refused(error);
    } finally {
      busy(false);
    }
  });
  clear.addEventListener("click", async () => {
    status.replaceChildren();
    busy(true);
    try {
      await ctx.api.clearDefaultWebhook();
      settled(await ctx.api.defaultWebhook(), "Cleared.");
      rendered.showErrors({});
    } catch (error) {
      refused(error);
    } finally {
      busy(false);
    }
  });
  return form;
}

function secretSection(ctx: AppContext): HTMLElement {
  const out = h("div", { "aria-live": "polite" });
  const reveal = h("button", { type: "button" }, "Show signing key");
  reveal.addEventListener("click", async () => {
    reveal.disabled = true;
    try {
      const secret = await ctx.api.webhookSecret();
      out.replaceChildren(
        h("code", { class: "mono", "data-testid": "webhook-secret" }, secret.secret),
        h(
          "p",
          { class: "muted" },
          `Verify ${secret.signature_header} (t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>); drop a repeated ${secret.delivery_header}.`,
        ),
      );
    } catch (error) {
      out.replaceChildren(notice("error", `Cannot read your signing key: ${(error as ApiError).message}`));
      reveal.disabled = false;
    }
  });
  return h(
    "section",
    { "aria-labelledby": "secret-title" },
    h("h2", { id: "secret-title" }, "Signing key"),
    h("p", { class: "muted" }, "Your receivers check each delivery's signature with it (docs/protocol.md)."),
    reveal,
    out,
  );
}
