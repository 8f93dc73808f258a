"""acct-tui: a keyboard-driven console for an AWS account's security set-up."""

__version__ = "0.1.0"
