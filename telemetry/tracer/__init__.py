"""The stdlib-only test tracer, reached through PYTHONPATH as the pytest plugin `pulsedev_trace`."""
