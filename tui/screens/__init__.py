"""Modal screens that are not forms: details, help, MFA token prompt."""
