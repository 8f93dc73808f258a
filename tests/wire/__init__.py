"""Wire tier: real HTTP to moto_server (and the fault proxy in front of it)."""
