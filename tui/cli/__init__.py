"""The command lines: ``acct-tui`` (main) and ``acct-tui credentials``."""
