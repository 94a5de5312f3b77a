#!/usr/bin/env bash
# Times `ecm reconcile` and the same reconciliation in DuckDB SQL (reconcile.sql) on one `ecm synth`
# directory, with GNU time (wall time, peak RSS), then checks that both agree to the cent and prints
# a markdown table.
#
#   benches/duckdb/setup.sh                      # once: DuckDB in target/duckdb-venv
#   ecm synth --members 10000 --months 12 --seed 1 --out /tmp/n10k
#   benches/duckdb/run.sh /tmp/n10k
#
# Environment: ECM (the ecm binary; default $CARGO_TARGET_DIR or target, release), AS_OF (default
# truth.json's as_of, else 2026-01-01), WORK (where outputs go; default DIR/duckdb-bench),
# DUCKDB_THREADS (default: DuckDB's own, all cores), FROM and TO (YYYY-MM: --from/--to for both).
# Both tools write their member-month rows (ecm: member-months.csv and the rest of its outputs;
# DuckDB: totals, reasons and the member-month rows), so both timings include writing the detail.
set -euo pipefail

die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: benches/duckdb/run.sh SYNTH_DIR"
dir="$(cd "$1" && pwd)" || die "no directory $1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
for f in ecm.toml roster.csv encounters.csv payments.csv; do
  [ -f "$dir/$f" ] || die "$dir/$f is missing: give a directory written by ecm synth"
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"
ecm="${ECM:-${CARGO_TARGET_DIR:-$root/target}/release/ecm}"
[ -x "$ecm" ] || die "no ecm binary at $ecm: run cargo build --release, or set ECM"
py="$root/target/duckdb-venv/bin/python"
[ -x "$py" ] || die "no DuckDB venv at $root/target/duckdb-venv: run benches/duckdb/setup.sh"
as_of="${AS_OF:-$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$dir/truth.json" 2>/dev/null || echo 2026-01-01)}"
work="${WORK:-$dir/duckdb-bench}"
mkdir -p "$work"
threads=()
[ -n "${DUCKDB_THREADS:-}" ] && threads=(--threads "$DUCKDB_THREADS")
months=()
[ -n "${FROM:-}" ] && months+=(--from "$FROM")
[ -n "${TO:-}" ] && months+=(--to "$TO")

# timed NAME MAX_EXIT COMMAND...: runs once under GNU time; exit codes up to MAX_EXIT are completed
# runs (ecm: 0 clean, 1 variances found; reconcile.py: 0 only).
timed() {
  local name=$1 max=$2 rc=0
  shift 2
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" || rc=$?
  [ "$rc" -le "$max" ] || die "$name exited $rc; see $work/$name.stderr"
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$1.time"; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f s", u + s}' "$work/$1.time"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$work/$1.time"; }

timed ecm 1 "$ecm" --config "$dir/ecm.toml" --as-of "$as_of" reconcile --roster "$dir/roster.csv" \
  --encounters "$dir/encounters.csv" --payments "$dir/payments.csv" --out "$work/ecm" --force --quiet "${months[@]}"
timed duckdb 0 "$py" "$here/reconcile.py" --config "$dir/ecm.toml" --as-of "$as_of" \
  --roster "$dir/roster.csv" --encounters "$dir/encounters.csv" --payments "$dir/payments.csv" \
  --out "$work/duckdb-totals.csv" --reasons "$work/duckdb-reasons.csv" --detail "$work/duckdb-member-months.csv" \
  "${threads[@]}" "${months[@]}"

agree=no
python3 "$here/compare.py" "$work/ecm" "$work/duckdb-totals.csv" --reasons "$work/duckdb-reasons.csv" \
  --detail "$work/duckdb-member-months.csv" >"$work/compare.stdout" 2>"$work/compare.stderr" && agree=yes
mm_ecm=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["member_months"])' "$work/ecm/summary.json")
mm_duck=$(awk -F, '$1 == "plan_total" {print $3}' "$work/duckdb-totals.csv")

rows() { echo $(( $(wc -l <"$1") - 1 )); }
echo "Input: $dir ($(rows "$dir/roster.csv") roster rows, $(rows "$dir/encounters.csv") encounters, $(rows "$dir/payments.csv") payments), --as-of $as_of, $(nproc) cores"
echo
echo "| tool | wall time | CPU (user + sys) | peak memory | member-months | totals agree |"
echo "|---|---:|---:|---:|---:|---|"
echo "| ecm reconcile | $(wall ecm) | $(cpu ecm) | $(rss ecm) | $mm_ecm | $agree |"
echo "| DuckDB $("$py" -c 'import duckdb; print(duckdb.__version__)') SQL | $(wall duckdb) | $(cpu duckdb) | $(rss duckdb) | $mm_duck | $agree |"
echo
sed 's/^/  /' "$work/compare.stderr"
[ "$agree" = yes ] || exit 1
