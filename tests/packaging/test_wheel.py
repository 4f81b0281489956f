"""The package as a user installs it: a wheel (not editable) in a fresh virtual environment answers a seed
question with the shipped trained reader and its calibration."""
from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_wheel_answers_with_the_trained_reader_and_calibration(tmp_path, seed_index_dir):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
                    str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(dist.glob("newsdesk-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    # Third-party dependencies come from the test's own environment (no download); a path line in a .pth
    # file does not run that environment's .pth files, so its editable newsdesk stays out of the way.
    purelib = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "deps-from-test-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([env_dir / "bin" / "newsdesk", "ask", "When was the INF Treaty signed?", "--index",
                          str(seed_index_dir), "--reader", "trained", "--json"],
                         capture_output=True, text=True, cwd=tmp_path, env={**env, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    where = subprocess.run([py, "-c", "import assistant, models; print(assistant.__file__); print(models.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert str(ROOT) not in where and "site-packages" in where  # the installed copy, not the source tree
    answer = json.loads(run.stdout)
    assert answer["reader"] == "trained" and answer["calibrated"] is True
    assert not answer["abstained"] and "1987" in (answer["answer"] or answer["quote"])
