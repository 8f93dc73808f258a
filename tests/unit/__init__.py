"""Unit tier: pure functions and the AWS layer against in-process moto; no app, no terminal."""
