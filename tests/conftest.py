"""The test session's set-up: hypothesis profiles, one torch thread a worker, and a session
that leaves nothing behind.

A run once left pytest's base temporary folder (202 MB), torchelastic's folders in the
system temporary folder and Hugging Face dataset locks in the home folder. So, before any
test module imports the stack, everything that would land there is pointed into one
session folder (`tempfile`'s folder, inherited by subprocesses such as torchrun; pytest's
base temporary folder unless `--basetemp` names one; the Hugging Face, matplotlib and XDG
caches), which is removed when the session ends. The session then fails, naming the paths,
if the home folder or the system temporary folder gained anything (`leftovers.py`). On a
machine where other programs write there during the run, ARC_PRIORS_LEFTOVERS=warn only
names them.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from leftovers import Watch

# CI runs more examples; a local run stays quick. `--hypothesis-profile=thorough` for a deep run.
settings.register_profile("default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")

SYSTEM_TMP = Path(tempfile.gettempdir())
SESSION = Path(tempfile.mkdtemp(prefix="arc-priors-tests-"))
WATCH = Watch.of(Path.home(), SYSTEM_TMP)

for name, sub in {
    "TMPDIR": "tmp",
    "HF_HOME": "hf",
    "HF_DATASETS_CACHE": "hf/datasets",
    "XDG_CACHE_HOME": "cache",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    (SESSION / sub).mkdir(parents=True, exist_ok=True)
    os.environ[name] = str(SESSION / sub)
tempfile.tempdir = None  # forget the folder computed before TMPDIR moved (pytest's capture asks early)

# One torch thread a test process when the suite runs on several workers (-n auto): torch's
# default of a thread per core in each of two workers, beside the torchrun tests' own
# processes, made a 4 s curriculum test take 36 s and a 12 s train-and-evaluate test 47 s.
# Set before any test module imports torch; the subprocesses tests start inherit it.
if os.environ.get("PYTEST_XDIST_WORKER") and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if config.option.basetemp is None:  # before the tmp_path plugin reads it
        config.option.basetemp = str(SESSION / "basetemp")


def pytest_sessionfinish(session, exitstatus):
    left = WATCH.new(keep=session.config.option.basetemp)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [
            "the test session left files behind (another program writing there at the same time shows here too):",
            *(f"  {path}" for path in left),
        ]
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", "files left behind", red=True, bold=True)
            for line in lines:
                reporter.write_line(line, red=True)
        else:
            print("\n".join(lines), file=sys.stderr)
        if os.environ.get("ARC_PRIORS_LEFTOVERS") != "warn":
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    shutil.rmtree(SESSION, ignore_errors=True)
