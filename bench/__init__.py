"""Benchmarks of the generated project: `make bench` runs them all and writes docs/benchmarks.md.

Every comparison is measured side by side in one run, alternating the contenders, and reported as a ratio of
medians: these machines are noisy, so absolute seconds from different runs are not comparable.
"""
