"""`pulsedev.tracerSetup`: tell a client how to trace the workspace's pytest runs."""

from pulsedev.app import server
from pulsedev.telemetry.tracing import tracer_setup


@server.command("pulsedev.tracerSetup")
def tracer_setup_command(ls, *args):
    """Return `{"env", "args"}` for a traced test run (PROTOCOL.md, Commands)."""
    return tracer_setup(ls.data_dir, ls.root)
