"""Learned models: window features, the river learners, the registry and training."""
