"""`make bench` must start: every module of ``bench/`` imports against today's ``src/``.

The benchmarks are not run by the suite (speed is measured by ``make bench``, never by
tests), so a refactor that moves a name the bench imports would otherwise go unnoticed
until someone measures (``C2CWrite`` moved from ``storage.writer`` to
``storage.message_batch`` and broke ``bench.preload`` and ``bench.purge`` that way).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(BENCH)]))


def test_the_bench_package_has_its_modules() -> None:
    assert {"scenarios", "loadgen", "preload", "harness"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_bench_module_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH.parent))  # `python -m bench` runs from the root
    importlib.import_module(f"bench.{name}")
