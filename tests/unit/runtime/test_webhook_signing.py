"""Webhook signatures as a receiver checks them, the key each user gets, and which webhook a
new job delivers to."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from jobwire.contract.events import EventType
from jobwire.contract.specs import WebhookSpec
from jobwire.contract.webhooks import WebhookEvents
from jobwire.settings import DEVELOPMENT_JWT_SECRET, Settings
from jobwire.webhook_signing import master_key, signature_header, user_key, verify

KEY = user_key("m" * 32, "alice")
BODY = b'{"type":"job.completed","seq":7}'
NOW = 1_800_000_000


def test_the_header_is_the_documented_hmac_of_timestamp_dot_body() -> None:
    expected = hmac.new(KEY.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature_header(KEY, NOW, BODY) == f"t={NOW},v1={expected}"


def test_a_receiver_accepts_a_fresh_signature_and_refuses_anything_else() -> None:
    header = signature_header(KEY, NOW, BODY)
    assert verify(KEY, header, BODY, now=NOW + 10)
    assert not verify(KEY, header, BODY + b" ", now=NOW), "a changed body"
    assert not verify(user_key("m" * 32, "bob"), header, BODY, now=NOW), "another user's key"
    assert not verify(KEY, header, BODY, now=NOW + 301), "too old: a replay"
    assert not verify(KEY, header.replace(f"t={NOW}", f"t={NOW + 1}"), BODY, now=NOW)
    assert not verify(KEY, f"v1={header.split('v1=')[1]}", BODY, now=NOW), "no timestamp"
    assert not verify(KEY, "", BODY, now=NOW)


def test_any_of_several_signatures_may_match() -> None:
    header = signature_header(KEY, NOW, BODY)
    assert verify(KEY, f"{header},v1={'0' * 64}", BODY, now=NOW)
    assert verify(KEY, f"t={NOW},v1={'0' * 64},{header.split(',')[1]}", BODY, now=NOW)


def test_each_user_has_a_key_of_their_own_derived_from_the_master_key() -> None:
    assert user_key("m" * 32, "alice") == KEY
    assert user_key("m" * 32, "bob") != KEY
    assert user_key("n" * 32, "alice") != KEY
    assert KEY.startswith("whsec_") and len(KEY) == len("whsec_") + 64


def test_the_master_key_is_the_webhook_secret_else_the_jwt_secret() -> None:
    both = Settings(_env_file=None, webhook_secret="w" * 32, jwt_secret="j" * 32)
    assert master_key(both) == "w" * 32
    assert master_key(Settings(_env_file=None, jwt_secret="j" * 32)) == "j" * 32
    assert master_key(Settings(_env_file=None)) == DEVELOPMENT_JWT_SECRET


def test_outside_development_without_any_secret_nothing_is_signed() -> None:
    settings = Settings(
        _env_file=None, environment="production", jwt_algorithm="RS256", jwt_public_key="k"
    )
    assert master_key(settings) is None
    signed = settings.model_copy(update={"webhook_secret": SecretStr("w" * 32)})
    assert master_key(signed) == "w" * 32


def test_a_job_delivers_to_its_spec_webhook_else_the_users_default() -> None:
    settings = Settings(
        _env_file=None,
        webhook_defaults={"alice": "https://alice.example/hook"},
        webhook_maximum_attempts=4,
    )
    named = WebhookSpec(url="https://spec.example/hook", events="state_changes")
    plan = settings.webhook_plan("alice", named)
    assert plan is not None and plan.url == "https://spec.example/hook"
    assert plan.events is WebhookEvents.STATE_CHANGES and not plan.from_default
    assert plan.maximum_attempts == 4
    default = settings.webhook_plan("alice", None)
    assert default is not None and default.url == "https://alice.example/hook"
    assert default.from_default and default.events is WebhookEvents.TERMINAL
    assert settings.webhook_plan("bob", None) is None

    own = WebhookSpec(url="https://own.example/hook", events="state_changes")
    chosen = settings.webhook_plan("alice", None, own)
    assert chosen is not None and chosen.url == "https://own.example/hook", "the user's own first"
    assert chosen.from_default and chosen.events is WebhookEvents.STATE_CHANGES
    spec_wins = settings.webhook_plan("alice", named, own)
    assert spec_wins is not None and spec_wins.url == "https://spec.example/hook"


@pytest.mark.parametrize(
    ("events", "kind", "wanted"),
    [
        (WebhookEvents.TERMINAL, EventType.COMPLETED, True),
        (WebhookEvents.TERMINAL, EventType.FAILED, True),
        (WebhookEvents.TERMINAL, EventType.CANCELLED, True),
        (WebhookEvents.TERMINAL, EventType.STARTED, False),
        (WebhookEvents.STATE_CHANGES, EventType.STARTED, True),
        (WebhookEvents.STATE_CHANGES, EventType.PAUSED, True),
        (WebhookEvents.STATE_CHANGES, EventType.PROGRESS, False),
        (WebhookEvents.STATE_CHANGES, EventType.LOG, False),
    ],
)
def test_which_events_a_webhook_wants(events: WebhookEvents, kind: EventType, wanted: bool) -> None:
    assert events.wants(kind) is wanted


def test_the_verification_snippet_in_the_protocol_accepts_what_jobwire_signs() -> None:
    protocol = (Path(__file__).resolve().parents[3] / "docs" / "protocol.md").read_text()
    snippet = protocol.split("## Webhooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # our own documentation, run as it is shown
    header = signature_header(KEY, int(time.time()), BODY)
    assert namespace["verify"](KEY, header, BODY)
    assert not namespace["verify"](KEY, header, BODY + b"x")
    assert not namespace["verify"](user_key("m" * 32, "bob"), header, BODY)
