"""What keeps the app running: refresh reads, display pipeline, workers, messages, idle memory."""
