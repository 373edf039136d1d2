"""Errors of live checks: one line each, and never a secret in them."""

from __future__ import annotations

from buyer.errors import LiveError

__all__ = ["LiveError", "scrub"]


def scrub(text: str, *secrets: str | None) -> str:
    """Remove every secret from a message that may quote a request or a library's error."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())
