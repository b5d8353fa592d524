"""Pages of the partners app."""
