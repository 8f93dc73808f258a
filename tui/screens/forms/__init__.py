"""Modal forms, one per file: new user, new group, alias, password policy."""
