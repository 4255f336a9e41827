"""Running presslens in a child process for the robustness tests: the command line, and code in a
fresh interpreter whose hang becomes a failed test instead of a stuck CI job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "presslens.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300, **kwargs)


def python(code: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter; a hang becomes a failed test, not a stuck CI job."""
    # Own session, so that on a timeout the fork children (which would hang on) go too.
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True
    )
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail(f"did not finish in {timeout} s (a hang)")
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
