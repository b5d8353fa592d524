"""Handbook PDFs of a programme: content hash, export requests, rendering in a worker, pages."""
