/** Sign-in: paste a token. It stays in this tab (sessionStorage) and is never put in a URL. */

import type { AppContext, Unmount } from "../context";
import { h } from "../dom";
import { subjectOf } from "../auth";

export function mountSignIn(main: HTMLElement, ctx: AppContext, onSignedIn: () => void, reason = ""): Unmount {
  const input = h("textarea", {
    id: "token",
    name: "token",
    rows: 4,
    required: true,
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "token-help token-error",
  });
  const error = h("p", { id: "token-error", class: "field-error", "aria-live": "polite" }, reason);
  const form = h(
    "form",
    { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in to jobwire"),
    h("label", { for: "token" }, "Access token (JWT)"),
    input,
    h(
      "p",
      { id: "token-help", class: "muted" },
      "Paste a token from `jobwire token <user>` or the one `jobwire dev` prints. ",
      "It is kept for this tab only.",
    ),
    error,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const token = input.value.trim().replace(/^Bearer\s+/i, "");
    if (token.split(".").length !== 3 || !subjectOf(token)) {
      error.textContent = "That does not look like a JWT with a subject (three dot-separated parts).";
      input.focus();
      return;
    }
    ctx.auth.signIn(token);
    onSignedIn();
  });
  main.replaceChildren(form);
  input.focus();
  return () => undefined;
}
