"""Benchmarks of the portal (make bench)."""
