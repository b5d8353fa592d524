"""Every write of the ambassadors app: named `<noun>_<verb>`, keyword-only, one transaction."""
