"""Deferred imports (buyer._lazy): the CLI's verbs name their heavy modules up front and import
them on first use, and the terminal UI's workers may be the first users, two at once."""

from __future__ import annotations

import sys
import threading

import pytest

from buyer._lazy import lazy_import

SLOW_MODULE = """
import time
time.sleep(0.3)  # a module whose body takes a while, as buyer.actions does on a cold start
FIRST = 1
time.sleep(0.3)
LAST = 2
"""


@pytest.fixture
def slow_module(tmp_path, monkeypatch):
    name = f"buyer_slow_{id(tmp_path)}"
    (tmp_path / f"{name}.py").write_text(SLOW_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_nothing_is_imported_until_an_attribute_is_asked_for(slow_module):
    module = lazy_import(slow_module)
    assert slow_module not in sys.modules
    assert module.LAST == 2
    assert slow_module in sys.modules


def test_threads_first_touching_it_together_all_see_the_whole_module(slow_module):
    module = lazy_import(slow_module)
    seen: list[object] = []
    errors: list[BaseException] = []

    def use() -> None:
        try:
            seen.append(module.LAST)
        except BaseException as exc:  # the test reports whatever a thread met
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and seen == [2, 2, 2, 2]


def test_a_missing_module_is_an_import_error_at_once():
    with pytest.raises(ImportError):
        lazy_import("buyer.no_such_module")
