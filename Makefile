.PHONY: check lint format types test bench

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
