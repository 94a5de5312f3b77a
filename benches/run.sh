#!/usr/bin/env bash
# Times whole `ecm` commands on `ecm synth` data at three sizes and records wall time and peak
# memory (GNU time's "Maximum resident set size"). Writes benches/results/results.md (the table
# the README quotes) and the raw `time -v` logs beside it.
#
#   benches/run.sh              # 10 k, 100 k and 1 M encounters
#   SIZES="10000" benches/run.sh  # only the small size
#
# Sizes are encounters; synth writes about 11.2 encounters per member over 12 months, so members =
# encounters / 11.2. After the three sizes come the sizes the issues set targets at (check on a
# ~100k-claim file, ingest of ~1M invoice lines, reconcile of 100k members x 12 months); TARGETS=0
# skips them. Data sets are kept in target/bench-data and reused. Each command runs RUNS times
# (default 5) after its inputs are read once; the table keeps the median run and shows the fastest
# and slowest (the machine is a shared virtual machine: runs of one command differ).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"

cargo build --release --quiet || die "cargo build --release failed"
ecm="$PWD/target/release/ecm"
out="$PWD/benches/results"
work="${BENCH_WORK:-$PWD/target/bench-data}"
mkdir -p "$out" "$work"
SIZES="${SIZES:-10000 100000 1000000}"
table="$out/results.md"

echo "| command | size (encounters) | input | wall time (median) | fastest-slowest | peak memory | command line |" >"$table"
echo "|---|---:|---|---:|---:|---:|---|" >>"$table"

# bench NAME SIZE INPUT-DESCRIPTION -- COMMAND...: runs once, records wall time and peak RSS.
bench() {
  local name=$1 size=$2 what=$3
  shift 4
  local log="$out/$name-$size.time"
  # Read the inputs once first, so the figure is the command's, not the disk's (the data sets
  # together are larger than what the page cache keeps).
  local a
  for a in "$@"; do [ -f "$a" ] && cat "$a" >/dev/null; done
  # RUNS runs (default 5); the table keeps the run with the median wall time, whose log is kept.
  local i rc
  for ((i = 1; i <= ${RUNS:-5}; i++)); do
    rc=0
    /usr/bin/time -v -o "$log.$i" "$@" >"$out/$name-$size.stdout" 2>"$out/$name-$size.stderr" || rc=$?
    # 0 clean, 1 findings/variances: both are completed runs.
    [ "$rc" -le 1 ] || die "$name at $size exited $rc; see $out/$name-$size.stderr"
  done
  local median spread walls
  walls=$(for ((i = 1; i <= ${RUNS:-5}; i++)); do
    printf '%s %s\n' "$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); print p[n] + 60 * p[n-1] + (n > 2 ? 3600 * p[1] : 0) }' "$log.$i")" "$i"
  done | sort -n)
  median=$(awk -v m=$(( (${RUNS:-5} + 1) / 2 )) 'NR == m { print $2 }' <<<"$walls")
  spread=$(awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f s", lo, hi }' <<<"$walls")
  mv "$log.$median" "$log"
  rm -f "$log".[0-9]*
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = p[n] + 60 * p[n-1] + (n > 2 ? 3600 * p[1] : 0); printf "%.2f s", s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$log")
  local shown="${*//$work\//}"
  echo "| $name | $size | $what | $wall | $spread | $rss | \`${shown//$ecm/ecm}\` |" >>"$table"
  echo "$name $size: $wall, $rss"
}

# What this build of synth writes, as a hash of a small data set of each shape: a data set made by
# a synth that wrote different rows is made again rather than reused.
synth_version() {
  local shape=$1 t
  t=$(mktemp -d)
  "$ecm" -q synth --members 300 --months 12 --seed 1 --shape "$shape" --out "$t" --invoices \
    || die "synth of a 300-member sample failed"
  (cd "$t" && cat ./* | sha256sum | cut -c1-16)
  rm -rf "$t"
}

# One data set: synth at MEMBERS x 12 months (SHAPE, default growing) into $work/NAME (reused
# when already there and written by a synth that writes the same rows as this build's).
make_data() {
  local name=$1 members=$2 shape=${3:-growing} d="$work/$1" stamp
  stamp="$members $shape $(synth_version "$shape")"
  if [ ! -f "$d/encounters.csv" ] || [ "$(cat "$d/.members" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$d"
    "$ecm" -q synth --members "$members" --months 12 --seed 1 --shape "$shape" --out "$d" --invoices \
      || die "synth of $members members failed"
    echo "$stamp" >"$d/.members"
  fi
}

rows() { echo $(( $(wc -l <"$1") - 1 )); }

# The commands on one data set, labelled by its encounter count.
run_all() {
  local d=$1
  local size
  size=$(rows "$d/encounters.csv")
  local cfg=(--config "$d/ecm.toml" --as-of "$(as_of "$d")")
  bench claims "$size" "encounters.csv: $size rows" -- \
    "$ecm" -q "${cfg[@]}" claims "$d/encounters.csv" --out "$d/claims" --force
  local biggest
  biggest=$(ls -S "$d"/claims/*.837 | head -1)
  bench check "$size" "$(basename "$biggest"): $(claims_in "$biggest") claims, $(mb "$biggest")" -- \
    "$ecm" -q check "$biggest"
  bench invoice-csv "$size" "encounters.csv: $size rows" -- \
    "$ecm" -q "${cfg[@]}" invoice "$d/encounters.csv" --format csv --out "$d/invoices" --force
  bench invoice-xlsx "$size" "encounters.csv: $size rows" -- \
    "$ecm" -q "${cfg[@]}" invoice "$d/encounters.csv" --format xlsx --out "$d/invoices-xlsx" --force
  bench ingest "$size" "invoices.csv: $(rows "$d/invoices.csv") lines" -- \
    "$ecm" -q "${cfg[@]}" ingest "$d/invoices.csv" --roster "$d/roster.csv" --out "$d/ingest" --force
  bench reconcile "$size" "$(rows "$d/roster.csv") roster rows, $(rows "$d/payments.csv") payments, $size encounters" -- \
    "$ecm" -q "${cfg[@]}" reconcile --roster "$d/roster.csv" --payments "$d/payments.csv" \
    --encounters "$d/encounters.csv" --out "$d/reconcile" --force
  local mm
  mm=$(rows "$d/reconcile/member-months.csv")
  sed -i "\$s/ | $size | / | $size ($mm member-months) | /" "$table"
}

claims_in() { tr '~' '\n' <"$1" | grep -c '^[[:space:]]*CLM\*'; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

# The three sizes.
for size in $SIZES; do
  members=$(members_for "$size")
  make_data "n$size" "$members"
  bench synth "$size" "$members members x 12 months, with invoices" -- \
    "$ecm" -q synth --members "$members" --months 12 --seed 1 --out "$work/synth-timing" --invoices --force
  run_all "$work/n$size"
done

# The sizes the issues set targets at. TARGETS=0 skips them.
if [ "${TARGETS:-1}" = 1 ]; then
  # check: a payer file of about 100,000 claims.
  make_data check100k 15400
  d="$work/check100k"
  "$ecm" -q --config "$d/ecm.toml" --as-of "$(as_of "$d")" claims "$d/encounters.csv" --out "$d/claims" --force
  biggest=$(ls -S "$d"/claims/*.837 | head -1)
  bench check "target" "$(basename "$biggest"): $(claims_in "$biggest") claims, $(mb "$biggest")" -- \
    "$ecm" -q check "$biggest"
  # ingest: about 1,000,000 invoice lines; reconcile: 100,000 members x 12 months.
  make_data ingest1m 155000
  d="$work/ingest1m"
  bench ingest "target" "invoices.csv: $(rows "$d/invoices.csv") lines" -- \
    "$ecm" -q --config "$d/ecm.toml" --as-of "$(as_of "$d")" ingest "$d/invoices.csv" --roster "$d/roster.csv" --out "$d/ingest" --force
  make_data rec100k 100000
  d="$work/rec100k"
  bench reconcile "target" "100000 members: $(rows "$d/roster.csv") roster rows, $(rows "$d/payments.csv") payments, $(rows "$d/encounters.csv") encounters" -- \
    "$ecm" -q --config "$d/ecm.toml" --as-of "$(as_of "$d")" reconcile --roster "$d/roster.csv" --payments "$d/payments.csv" \
    --encounters "$d/encounters.csv" --out "$d/reconcile" --force
  sed -i "\$s/ | target | / | target ($(rows "$d/reconcile/member-months.csv") member-months) | /" "$table"
  # reconcile at the issue's load: 100,000 members enrolled through the 12 months of 2025
  # (synth --shape caseload), about 5 M encounters and 1.2 M payments.
  make_data rec-caseload 100000 caseload
  d5="$work/rec-caseload"
  bench reconcile "target-caseload" "100000 members (caseload), 2025-01..2025-12: $(rows "$d5/roster.csv") roster rows, $(rows "$d5/payments.csv") payments, $(rows "$d5/encounters.csv") encounters" -- \
    "$ecm" -q --config "$d5/ecm.toml" --as-of "$(as_of "$d5")" reconcile --roster "$d5/roster.csv" --payments "$d5/payments.csv" \
    --encounters "$d5/encounters.csv" --from 2025-01 --to 2025-12 --out "$d5/reconcile" --force
  sed -i "\$s/ | target-caseload | / | target ($(rows "$d5/reconcile/member-months.csv") member-months) | /" "$table"
  # The same reconciliation in DuckDB SQL on the same CSVs (DUCKDB=0 skips it).
  if [ "${DUCKDB:-1}" = 1 ]; then
    [ -x target/duckdb-venv/bin/python ] || benches/duckdb/setup.sh || die "benches/duckdb/setup.sh failed"
    ECM="$ecm" WORK="$d/duckdb-bench" benches/duckdb/run.sh "$d" | tee "$out/duckdb.md"
    FROM=2025-01 TO=2025-12 ECM="$ecm" WORK="$d5/duckdb-bench" benches/duckdb/run.sh "$d5" | tee "$out/duckdb-caseload.md"
  fi
fi
echo "Wrote $table"
