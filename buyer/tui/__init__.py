"""buyer's terminal UI: the workbench in textual. Faces only: every rule lives below it."""
