"""Pages of the ambassadors app."""
