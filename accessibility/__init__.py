"""Accessibility of the congress: statement, feedback, Leichte Sprache, captions, sign language."""
