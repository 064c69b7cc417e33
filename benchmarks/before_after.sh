#!/bin/sh
# Runs two builds of the criterion benches back to back, round after round, in one session, so
# a slow spell of this shared VM hits both: the before/after figures of BENCHMARKS.md.
#
#   benchmarks/before_after.sh BEFORE_DIR AFTER_DIR [ROUNDS] [FILTER]
#
# Each directory holds the executables `memory`, `tokens` and `token_endpoint`, copied from
# `target/release/deps/` after `cargo bench --no-run --bench memory --bench tokens --bench
# token_endpoint` in each tree. FILTER (a criterion regex) limits `tokens` to some functions and
# skips the other two. Criterion's own files go to /tmp/before_after/<dir name>/.
set -eu
before=$1 after=$2 rounds=${3:-3} filter=${4:-}
echo "=== start $(date -u +%FT%TZ) $(uptime)"
round=1
while [ "$round" -le "$rounds" ]; do
  for dir in "$before" "$after"; do
    side=$( [ "$dir" = "$before" ] && echo before || echo after )
    home=/tmp/before_after/$(basename "$dir")
    if [ -z "$filter" ]; then
      echo "=== round $round $side memory"; "$dir/memory" --bench
      echo "=== round $round $side tokens"; CRITERION_HOME=$home "$dir/tokens" --bench 2>&1
      echo "=== round $round $side token_endpoint"; CRITERION_HOME=$home "$dir/token_endpoint" --bench 2>&1
    else
      echo "=== round $round $side tokens"; CRITERION_HOME=$home "$dir/tokens" --bench "$filter" 2>&1
    fi
  done
  round=$((round + 1))
done
echo "=== end $(date -u +%FT%TZ) $(uptime)"
