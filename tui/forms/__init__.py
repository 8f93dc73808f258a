"""Modal forms, one per file."""
