"""Shared test machinery: app factory, Pilot and tmux helpers, keyrings, fakes, fault proxy."""
