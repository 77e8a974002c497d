"""What a client adds to a pytest run so that the test tracer records it.

The tracer itself (`telemetry/tracer/pulsedev_trace.py`) is stdlib-only and
runs in the workspace's own interpreter, which need not have PulseDev
installed: it is reached through `PYTHONPATH`.  Its output lands in the
server's spool folder, which the server ingests (`trace` records to the type
engine, the `test_run` event to telemetry).
"""

from __future__ import annotations

import os
from pathlib import Path

from .spool import spool_dir

#: The folder holding `pulsedev_trace.py`, put first on the test run's PYTHONPATH.
TRACER_DIR = Path(__file__).resolve().parent / "tracer"
PLUGIN = "pulsedev_trace"


def tracer_setup(data_dir: Path, root: Path | None, environ: dict[str, str] | None = None) -> dict:
    """`{"env": {...}, "args": [...]}` that trace a pytest run of the workspace.

    Use either the env (`PYTEST_PLUGINS`) or the args (`-p pulsedev_trace`), or
    both: pytest loads a plugin once by name.  `environ` is the environment the
    existing `PYTHONPATH`/`PYTEST_PLUGINS` are read from (default: this process's).
    """
    environ = os.environ if environ is None else environ
    spool = spool_dir(Path(data_dir))  # made, private, if missing
    path = [str(TRACER_DIR)] + [p for p in environ.get("PYTHONPATH", "").split(os.pathsep)
                                if p and p != str(TRACER_DIR)]
    plugins = [p for p in environ.get("PYTEST_PLUGINS", "").split(",") if p.strip() and p.strip() != PLUGIN]
    env = {
        "PYTHONPATH": os.pathsep.join(path),
        "PULSEDEV_SPOOL": str(spool),
        "PYTEST_PLUGINS": ",".join(plugins + [PLUGIN]),
    }
    if root is not None:
        env["PULSEDEV_TRACE_ROOT"] = str(root)
    return {"env": env, "args": ["-p", PLUGIN]}
