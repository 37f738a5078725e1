"""Answers questions about Kazakhstan's global diplomacy initiatives from a YAML fact base."""
