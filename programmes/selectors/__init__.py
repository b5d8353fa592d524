"""Reads of the programmes app that views and the API share, one module per area."""
