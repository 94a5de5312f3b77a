#!/usr/bin/env bash
# Where an `ecm` command spends its time: samples it with perf and prints the functions with the
# most self time. The README's profile summaries come from this.
#
#   benches/profile.sh target/release/ecm --config D/ecm.toml --as-of 2026-01-01 claims D/encounters.csv --out /tmp/o --force
set -euo pipefail
command -v perf >/dev/null 2>&1 || { echo "error: perf is required (Debian: apt-get install linux-perf)" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
data=$(mktemp /tmp/ecm-perf.XXXXXX)
trap 'rm -f "$data" "$data.old"' EXIT
perf record -q -F 999 -g -o "$data" -- "$@" >/dev/null 2>&1 || true
perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | head -${TOP:-15} | sed -E 's/ +$//'
