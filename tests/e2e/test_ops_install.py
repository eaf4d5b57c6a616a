"""Installing Palaver from its wheel (issue 14 §4): the wheel is built from this
checkout, installed into a fresh virtual environment, and its ``palaver``
command runs from there, with the migrations and the browser UI it ships.

The fresh environment gets the wheel itself (``--no-deps``); its dependencies
come from the test's own environment through a ``.pth`` line, so the test needs
no network beyond the build backend pip fetches for the build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

# several `palaver` processes each (serve, backup, restore, ...): a loaded machine
# starts each in seconds
pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 240


def run(*args: str | Path, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALAVER_", "PYTHON"))}
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=env
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT)
    (wheel,) = dist.glob("palaver-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    # the dependencies, from this environment (its palaver is not on that path)
    fresh_site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    ours = sysconfig.get_paths()["purelib"]
    (fresh_site / "palaver-test-deps.pth").write_text(ours + "\n")

    where = run(python, "-c", "import palaver; print(palaver.__file__)")
    assert where.startswith(str(venv)), where
    palaver = venv / "bin" / "palaver"
    assert "demo" in run(palaver, "--help")
    assert "Usage: palaver demo" in run(palaver, "demo", "--help")
    data = tmp_path / "data"
    out = run(palaver, "migrate", "--data-dir", data)
    assert "Migrated" in out, out  # the migrations are in the wheel
    out = run(palaver, "app", "create", "--data-dir", data)
    assert "Created app" in out
    shipped = run(
        python,
        "-c",
        "from importlib import resources; r = resources.files('palaver');"
        "print((r / 'static' / 'index.html').is_file(), (r / 'py.typed').is_file())",
    )
    assert shipped.split() == ["True", "True"], shipped
