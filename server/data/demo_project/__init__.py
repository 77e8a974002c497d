"""The demo project shipped with PulseDev."""
