"""Signing in with a token: the console keeps it for the tab, goes live, and signs out."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from pydantic import SecretStr

from jobwire.auth.tokens import issue_token
from tests.e2e.browser.console import shot, sign_in
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e


async def stored_token(page: Page) -> str | None:
    token: str | None = await page.evaluate("() => sessionStorage.getItem('jobwire.token')")
    return token


async def test_a_token_signs_in_goes_live_and_stays_out_of_the_address(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await page.goto(stack.base_url + "/")
    form = page.get_by_role("form", name="Sign in to jobwire")
    await expect(form).to_be_visible()
    await expect(page.get_by_test_id("connection")).to_have_count(0)
    await shot(page, artifacts / "sign-in.png")

    await page.get_by_label("Access token (JWT)").fill("not-a-token")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#token-error")).to_contain_text("does not look like a JWT")
    assert await stored_token(page) is None

    await sign_in(page, stack, "alice")
    assert await stored_token(page) == stack.token("alice")
    assert stack.token("alice") not in page.url
    await expect(page.get_by_test_id("running-count")).to_have_text("0 running")
    await expect(page.get_by_test_id("paused-count")).to_have_text("0 paused")
    await expect(page.get_by_role("heading", name="Jobs")).to_be_visible()

    # A reload keeps the tab signed in; signing out forgets the token.
    await page.reload()
    await expect(page.get_by_test_id("user")).to_have_text(stack.user("alice"))
    await page.get_by_role("button", name="Sign out").click()
    await expect(form).to_be_visible()
    assert await stored_token(page) is None


async def test_the_dev_sign_in_link_takes_the_token_out_of_the_address(
    page: Page, stack: ConsoleStack
) -> None:
    token = stack.token("alice")
    await page.goto(f"{stack.base_url}/#token={token}")
    await expect(page.get_by_test_id("user")).to_have_text(stack.user("alice"))
    await expect(page.get_by_test_id("connection")).to_have_text("live")
    assert token not in page.url
    # The address was replaced, not pushed: one step back is the blank tab, not the token.
    await page.go_back()
    assert page.url == "about:blank"


async def test_a_token_the_server_refuses_sends_the_user_back_to_sign_in(
    page: Page, stack: ConsoleStack
) -> None:
    other = stack.settings.model_copy(
        update={"jwt_secret": SecretStr("another-secret-" + "y" * 32)}
    )
    await page.goto(stack.base_url + "/")
    await page.get_by_label("Access token (JWT)").fill(issue_token(other, stack.user("mallory")))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("form", name="Sign in to jobwire")).to_be_visible()
    await expect(page.locator("#token-error")).to_contain_text("Sign in again")
    assert await stored_token(page) is None
