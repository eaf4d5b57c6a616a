"""Helpers shared by test modules (importable as ``support.<name>`` from ``tests/``)."""
