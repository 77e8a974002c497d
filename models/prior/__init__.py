"""Prior models shipped with the package, trained on simulated sessions."""
