#!/usr/bin/env bash
# Print the summary of every gold set: seed, dev, dev2, train.
cd "$(dirname "$0")/.."
for d in ../shared/eval ../shared/eval/dev ../shared/eval/dev2 ../shared/eval/train; do
  echo "== $(basename "$d")"
  .venv/bin/newsgraph eval --run "$d" 2>&1 | tail -2
done
