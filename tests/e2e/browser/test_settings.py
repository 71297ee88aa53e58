"""The Settings page: a user sets their default webhook (refused beside its field when bad),
their next job without one delivers to it, they clear it, and they read their signing key."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.console import example, sign_in
from tests.e2e.browser.stack import ConsoleStack
from tests.e2e.browser.test_webhook_submit import receiver
from tests.helpers import assert_eventually

pytestmark = pytest.mark.e2e


async def test_a_default_webhook_is_set_used_and_cleared_from_the_settings_page(
    page: Page, stack: ConsoleStack
) -> None:
    await sign_in(page, stack, "alice")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    shown = page.get_by_test_id("default-webhook")
    await expect(shown).to_contain_text("None")
    form = page.get_by_test_id("webhook-form")
    url = form.locator('[data-field="url"] input')

    await url.fill("ftp://example.com/hook")
    await form.get_by_role("button", name="Save default webhook").click()
    await expect(form.locator('[data-field="url"] .field-error')).not_to_be_empty()
    await expect(shown).to_contain_text("None")

    async with receiver() as (hook_url, received):
        await url.fill(hook_url)
        await form.locator('[data-field="events"] select').select_option("state_changes")
        await form.get_by_role("button", name="Save default webhook").click()
        await expect(shown).to_contain_text(f"{hook_url} (state_changes events), set by you")
        async with stack.client("alice") as http:
            mine = (await http.get("/api/me/webhook")).json()
            assert mine["source"] == "user"
            assert mine["webhook"] == {"url": hook_url, "events": "state_changes"}
            submitted = await http.post("/api/jobs", json=example("research"))
            assert submitted.status_code == 201, submitted.text

        async def delivered() -> bool:
            return any(r.headers.get("Jobwire-Event") == "job.started" for r in received)

        await assert_eventually(delivered, timeout=60, message="the default got no delivery")

    await form.get_by_role("button", name="Clear").click()
    await expect(shown).to_contain_text("None")
    async with stack.client("alice") as http:
        assert (await http.get("/api/me/webhook")).json()["webhook"] is None
        secret = (await http.get("/api/me/webhook-secret")).json()["secret"]

    await page.get_by_role("button", name="Show signing key").click()
    await expect(page.get_by_test_id("webhook-secret")).to_have_text(secret)
