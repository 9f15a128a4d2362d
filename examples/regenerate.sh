#!/bin/sh
# Rebuild the shipped examples from the demo as built on 10/02/2020 (data to January 2020),
# so that the files do not change with the day they are made. Run from the repository root.
set -eu
export PDSA_TODAY=2020-02-10
rm -f examples/demo.json
pdsa demo examples/demo.json
python -c 'from pdsa_tui.demo import write_import_samples; write_import_samples("examples")'
for fmt in md html csv json; do
    pdsa export --db examples/demo.json --aim "Aim 2" --format "$fmt" -o "examples/report_aim2.$fmt" --force
done
cycle=$(pdsa list cycles --db examples/demo.json --json |
    python -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin) if c["idea"].startswith("15-week") and c["number"] == 2))')
pdsa export --db examples/demo.json --cycle "$cycle" --format md -o examples/cycle_summary.md --force
