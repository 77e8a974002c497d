"""The `pulsedev` command line: serve, status, replay, forget, doctor, demo, eval, report."""

from __future__ import annotations

import gc
import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .options import Options

DATA_DIR = click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                        help="Data dir (default: the per-user data dir, or $PULSEDEV_DATA_DIR).",
                        envvar="PULSEDEV_DATA_DIR")


def _data_dir(data_dir: Path | None) -> Path:
    return data_dir or Options().data_dir


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pulsedev")
def main() -> None:
    """PulseDev: a local, private language server that learns how you work."""


@main.command()
@click.option("--stdio", is_flag=True, help="Speak LSP over stdio (the default; accepted for LSP clients).")
@click.option("--tcp", is_flag=True, help="Listen on 127.0.0.1 instead of stdio.")
@click.option("--port", type=int, default=2087, show_default=True, help="TCP port (with --tcp).")
@click.option("--log-level", default="WARNING", show_default=True, help="Log level (logs go to stderr).")
def serve(stdio: bool, tcp: bool, port: int, log_level: str) -> None:
    """Run the language server (stdio, or --tcp on 127.0.0.1 only)."""
    logging.basicConfig(level=log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLogger().level))
    sys.setswitchinterval(0.001)  # the worker thread must not hold up replies for 5 ms at a time
    from . import handlers  # noqa: F401 - registers every handler
    from .app import server

    # Everything imported so far lives as long as the server: keep it out of the cyclic GC's
    # full collections, which otherwise stall every thread for tens of ms during a burst.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)

    try:
        if tcp:
            server.start_tcp("127.0.0.1", port)
        else:
            server.start_io()
    finally:
        if server.runtime is not None:
            server.runtime.close()


@main.command()
@DATA_DIR
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(data_dir: Path | None, as_json: bool) -> None:
    """What is stored, per kind and per day."""
    from .telemetry.store import DB_NAME, SQLiteStore

    folder = _data_dir(data_dir)
    if not (folder / DB_NAME).exists():
        click.echo(f"Nothing stored yet in {folder}.")
        return
    store = SQLiteStore(folder)
    rows, total = store.summary(), store.count()
    store.close()
    if as_json:
        click.echo(json.dumps({"data_dir": str(folder), "stored": total, "summary": rows}, indent=2))
        return
    click.echo(f"{total} events in {folder / DB_NAME}")
    for row in rows:
        click.echo(f"  {row['day']}  {row['kind']:<18} {row['events']:>8}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DATA_DIR
@click.option("--dry-run", is_flag=True, help="Keep nothing: an in-memory store and fresh learners.")
def replay(file: Path, data_dir: Path | None, dry_run: bool) -> None:
    """Feed a recorded session (JSON lines of events) through the server's pipeline."""
    from .replay import replay_file

    replay_file(file, None if dry_run else _data_dir(data_dir), echo=click.echo)


@main.command()
@DATA_DIR
@click.option("--before", type=float, default=None, help="Only events older than this Unix time.")
@click.option("--yes", is_flag=True, help="Do not ask.")
def forget(data_dir: Path | None, before: float | None, yes: bool) -> None:
    """Delete stored events and learned state, and vacuum the database."""
    from .replay import forget_all

    folder = _data_dir(data_dir)
    what = f"events before {before}" if before else "all events and learned state"
    if not yes and not click.confirm(f"Delete {what} in {folder}?"):
        raise SystemExit(1)
    click.echo(f"Deleted {forget_all(folder, before)} events from {folder}.")


@main.command()
@DATA_DIR
def doctor(data_dir: Path | None) -> None:
    """Check the install, the data dir, its permissions and the database."""
    from .doctor import run_checks

    ok = run_checks(_data_dir(data_dir), echo=click.echo)
    raise SystemExit(0 if ok else 1)


@main.command()
@click.option("--keep", type=click.Path(path_type=Path), default=None,
              help="Keep the demo's data dir here (default: a temporary one, deleted after).")
def demo(keep: Path | None) -> None:
    """Start the real server, play a bundled session into it over LSP, print what it concluded."""
    from .demo import run_demo

    raise SystemExit(run_demo(keep, echo=click.echo))


@main.command()
@DATA_DIR
def report(data_dir: Path | None) -> None:
    """Write the local HTML report and print its path."""
    from .replay import open_pipeline
    from .report import write_report

    folder = _data_dir(data_dir)
    pipeline = open_pipeline(folder)
    click.echo(write_report(pipeline.store, pipeline, folder))
    pipeline.store.close()


@main.group(name="eval")
def evaluate() -> None:
    """Evaluations that print their figures."""


@evaluate.command("sessions")
@click.option("--days", type=int, default=3, show_default=True, help="Simulated days per persona.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--quick", is_flag=True, help="A short run (for tests).")
def eval_sessions(days: int, seed: int, quick: bool) -> None:
    """Replay generated developer days through the real server; print per-class figures."""
    from .models.evaluation import run_session_eval

    run_session_eval(days=days, seed=seed, quick=quick, echo=click.echo)


@evaluate.command("types")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="typeHintConfidence.")
@click.option("--tests", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The package's tests: run them under the tracer first (hints with traces).")
@click.option("--mode", type=click.Choice(["lsp", "inprocess"]), default="lsp", show_default=True,
              help="Ask the real server over LSP, or the engine in this process.")
def eval_types(path: Path, threshold: float, tests: Path | None, mode: str) -> None:
    """Strip an annotated package's annotations; print hint coverage and precision over LSP."""
    from .models.types.evaluation import NoSlots, run_type_eval

    try:
        run_type_eval(path, mode=mode, threshold=threshold, tests=tests, log=click.echo)
    except NoSlots as e:
        raise click.ClickException(str(e)) from None
