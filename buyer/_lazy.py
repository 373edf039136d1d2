"""Modules imported when first used, with the standard library's own ``importlib.util.LazyLoader``.

The command line registers every verb at start; a verb's heavy dependencies (pydantic models,
httpx, reportlab) load only when that verb runs, so ``buyer --version`` and the verbs that need
little start fast. A leaf module: imports nothing of buyer."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """``name`` as a module object that is executed on its first attribute access."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
