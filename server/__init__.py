"""PulseDev: a local, private language server that learns how you work."""

__version__ = "0.1.0"
