"""Quantities written for people."""

from __future__ import annotations


def size_text(n_bytes: float) -> str:
    """A size limit for people: whole MB from 1 MB up, KB below, bytes below 1 KB."""
    if n_bytes >= 1e6:
        return f"{n_bytes / 1e6:.0f} MB"
    if n_bytes >= 1e3:
        return f"{n_bytes / 1e3:.0f} KB"
    return f"{n_bytes:.0f} bytes"
