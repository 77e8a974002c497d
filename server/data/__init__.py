"""Bundled data: the demo session."""
