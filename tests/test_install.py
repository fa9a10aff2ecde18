"""The wheel, installed into a fresh virtual environment, works outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_installs_and_runs_the_demo_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", dist, ROOT],
        check=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = dist.glob("letters-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "letters/templates/standard/letters/request.zh-CN.j2" in names
    assert "letters/locale/zh_CN/LC_MESSAGES/letters.mo" in names
    assert "letters/samples/case-zh-CN.toml" in names
    assert "letters/web/templates/base.html" in names  # the browser app's pages and files
    assert "letters/web/static/app.js" in names

    # The dependencies come from the site-packages of the interpreter running the tests (a
    # virtual environment's own, not its base's), through a .pth file: no network needed.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "-q", wheel],
        check=True,
    )  # fmt: skip
    # Only now: pip would otherwise find the letters installed beside the tests, and skip ours.
    ours = {sysconfig.get_paths()[name] for name in ("purelib", "platlib")}
    (Path(purelib) / "outer.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run(
        [python, "-c", "import letters; print(letters.__file__)"],
        capture_output=True, text=True, cwd=elsewhere, env=clean, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(env_dir))
    demo = subprocess.run(
        [env_dir / "bin" / "letters", "demo", "--date", "2026-11-24"],
        capture_output=True, text=True, cwd=elsewhere, env={**clean, "LANG": "zh_CN.UTF-8"},
        check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    written = sorted(p.name for p in (elsewhere / "letters-demo").iterdir())
    assert "request.en.eml" in written and "request.en.explain.zh-CN.pdf" in written
