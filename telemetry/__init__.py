"""Telemetry: events, validation, the store, workspace watching and the test tracer."""
