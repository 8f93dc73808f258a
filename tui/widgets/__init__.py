"""Reusable widgets: tables, form fields, the policy picker, the account header, colours."""
