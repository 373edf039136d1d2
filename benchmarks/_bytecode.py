"""Byte-compile buyer before a start-up is timed.

An installed package starts from compiled modules (pip compiles them at install; an editable
install writes them on its first run). Where PYTHONDONTWRITEBYTECODE is set, as on some CI
machines, buyer's modules would be compiled again on every start while textual's, compiled at
install, would not: the comparison with a bare textual app would time the compiler."""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "buyer"


def compile_buyer() -> None:
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"could not byte-compile {PACKAGE}")
