"""Errors of live checks: one line each, and never a secret in them."""

from __future__ import annotations

from buyer.model.errors import BuyerError


class LiveError(BuyerError):
    """A live check could not run: bad credentials, an unreachable cloud, a missing tool."""


def scrub(text: str, *secrets: str | None) -> str:
    """Remove every secret from a message that may quote a request or a library's error."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())
