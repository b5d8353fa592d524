"""Writes of the programmes app, one module per area. Every function is `<noun>_<verb>`, takes
keyword arguments with the organisation first, owns its transaction and raises ApplicationError
with a readable message when the input does not fit."""
