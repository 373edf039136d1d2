"""Modules imported when first used.

The command line imports only the verb it runs; a verb's heavy dependencies (pydantic models,
httpx, reportlab) load only when that verb runs, so ``buyer --version`` and the verbs that need
little start fast. A leaf module: imports nothing of buyer.

Not ``importlib.util.LazyLoader``: on Python 3.11 its module turns into a plain module before its
code has run, so a second thread touching it meanwhile (the terminal UI's workers do) sees half a
module ("cannot import name ..."). Here the first attribute asked for goes through the ordinary
import system, whose per-module locks make other threads wait for the whole module."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """Stands for a module until an attribute is asked for; then it is imported and asked."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:  # only for what the stand-in itself lacks
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self.__name__)
        return getattr(module, attr)


def lazy_import(name: str) -> ModuleType:
    """``name`` as a module object that is imported on its first attribute access."""
    if importlib.util.find_spec(name) is None:
        raise ImportError(f"no module named {name!r}")
    return _Deferred(name)
