"""Benchmarks of a real Palaver server: ``python -m bench`` (``make bench``)."""
