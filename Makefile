.PHONY: check lint format types test bench

# What CI runs (.ci/run): lint, types, then the whole test suite.
check: lint types test

lint:
	ruff check pdsa_tui tests benchmarks
	ruff format --check pdsa_tui tests benchmarks

format:
	ruff format pdsa_tui tests benchmarks
	ruff check --fix pdsa_tui tests benchmarks

types:
	mypy

test:
	python -m pytest -n auto

bench:
	python benchmarks/run_all.py
