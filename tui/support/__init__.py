"""Plain-Python support code (no Textual, no Rich): terminal text, QR, clipboard, files, keyring."""
