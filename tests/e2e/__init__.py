"""End-to-end tier: the installed acct-tui in a real terminal (tmux) or as a subprocess."""
