"""The one digest buyer records for every input and output: SHA-256, lower-case hex.

A leaf module: every layer may import it."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
