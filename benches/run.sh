#!/usr/bin/env bash
# Times whole `ecm` commands on `ecm synth` data at three sizes and records wall time and peak
# memory (GNU time's "Maximum resident set size"). Writes benches/results/results.md (the table
# the README quotes) and the raw `time -v` logs beside it.
#
#   benches/run.sh              # 10 k, 100 k and 1 M encounters
#   SIZES="10000" benches/run.sh  # only the small size
#
# Commands the binary does not have yet are skipped and listed as such. Sizes are encounters;
# synth writes about 11 encounters per member over 12 months, so members = encounters / 11.2.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "error: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"

cargo build --release --quiet || die "cargo build --release failed"
ecm="$PWD/target/release/ecm"
out="$PWD/benches/results"
work="${BENCH_WORK:-$PWD/target/bench-data}"
mkdir -p "$out" "$work"
SIZES="${SIZES:-10000 100000 1000000}"
table="$out/results.md"

has() { "$ecm" help 2>/dev/null | grep -qE "^  $1 "; }

echo "| command | encounters | input | wall time | peak memory | command line |" >"$table"
echo "|---|---:|---|---:|---:|---|" >>"$table"

# bench NAME SIZE INPUT-DESCRIPTION -- COMMAND...: runs once, records wall time and peak RSS.
bench() {
  local name=$1 size=$2 what=$3
  shift 4
  local log="$out/$name-$size.time"
  local rc=0
  /usr/bin/time -v -o "$log" "$@" >"$out/$name-$size.stdout" 2>"$out/$name-$size.stderr" || rc=$?
  # 0 clean, 1 findings/variances: both are completed runs.
  [ "$rc" -le 1 ] || die "$name at $size exited $rc; see $out/$name-$size.stderr"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$log")
  local shown="${*//$work\//}"
  echo "| $name | ${actual:-$size} | $what | $wall | $rss | \`${shown//$ecm/ecm}\` |" >>"$table"
  echo "$name $size: $wall, $rss"
}

for size in $SIZES; do
  members=$(( (size * 10 + 111) / 112 ))
  d="$work/n$size"
  actual=
  rm -rf "$d"
  extra=()
  "$ecm" synth --help | grep -q -- '--invoices' && extra=(--invoices)
  bench synth "$size" "$members members x 12 months" -- \
    "$ecm" synth --members "$members" --months 12 --seed 1 --out "$d" "${extra[@]}"
  actual=$(( $(wc -l <"$d/encounters.csv") - 1 ))
  as_of=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["as_of"])' "$d/truth.json" 2>/dev/null || echo 2026-01-01)
  cfg=(--config "$d/ecm.toml" --as-of "$as_of")
  bench claims "$size" "encounters.csv" -- \
    "$ecm" "${cfg[@]}" claims "$d/encounters.csv" --out "$d/claims" --force
  biggest=$(ls -S "$d"/claims/*.837 | head -1)
  claims_in=$(grep -o '~CLM\*' "$biggest" | wc -l || true)
  if has check; then
    bench check "$size" "$(basename "$biggest"): $claims_in claims, $(( $(stat -c %s "$biggest") / 1048576 )) MB" -- \
      "$ecm" check "$biggest"
  fi
  if has invoice; then
    bench invoice-csv "$size" "encounters.csv" -- \
      "$ecm" "${cfg[@]}" invoice "$d/encounters.csv" --format csv --out "$d/invoices" --force
  fi
  if has ingest && ls "$d"/invoices*.csv >/dev/null 2>&1; then
    bench ingest "$size" "$(basename "$(ls "$d"/invoices*.csv | head -1)")" -- \
      "$ecm" "${cfg[@]}" ingest "$(ls "$d"/invoices*.csv | head -1)" --out "$d/ingest" --force
  fi
  if has reconcile; then
    bench reconcile "$size" "roster, payments, encounters.csv" -- \
      "$ecm" "${cfg[@]}" reconcile --roster "$d/roster.csv" --payments "$d/payments.csv" \
      --encounters "$d/encounters.csv" --out "$d/reconcile" --force
  fi
done

for c in check invoice ingest reconcile; do
  has "$c" || echo "| $c | - | not built yet | - | - | - |" >>"$table"
done
echo "Wrote $table"
