"""Small modal dialogs: confirm, choose, prompt, details, help, review, MFA token, too small."""
