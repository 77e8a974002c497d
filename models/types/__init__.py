"""Type prediction: static evidence, runtime traces and a learned model, combined into hints."""
