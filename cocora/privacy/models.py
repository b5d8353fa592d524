"""Data protection: subject-access exports, erasure and retention."""
