"""Every write of the partners app: named actions that own their transaction."""
