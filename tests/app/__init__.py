"""App tier: the Textual app driven by Pilot against in-process moto."""
