"""A small annotated package: the evaluation strips it and asks the real server for hints."""
