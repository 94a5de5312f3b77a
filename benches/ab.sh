#!/usr/bin/env bash
# Two ecm binaries on the target-size commands, runs alternated (A, B, A, B, ...) so a noisy
# shared host slows both alike; prints the median wall time, peak memory and user CPU of each.
# Uses the data sets benches/run.sh keeps in target/bench-data (run it once first).
#
#   benches/ab.sh OLD_ECM NEW_ECM        # e.g. a worktree's build of an earlier commit, and ours
#   RUNS=5 ONLY=reconcile benches/ab.sh OLD_ECM NEW_ECM   # five rounds, commands matching ONLY
#
# AB_LOG=FILE keeps each run's line (command, side, wall s, peak KB, user CPU s) in FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
[ $# -eq 2 ] || die "usage: $0 OLD_ECM NEW_ECM"
old=$(realpath "$1") new=$(realpath "$2")
[ -x "$old" ] && [ -x "$new" ] || die "both binaries must exist and be executable"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"
work="${BENCH_WORK:-$PWD/target/bench-data}"
for d in n1000000 ingest1m rec-caseload check100k; do
  [ -d "$work/$d" ] || die "$work/$d is missing: run benches/run.sh first"
done
scratch=$(mktemp -d /tmp/ecm-ab.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
log="$scratch/times"
cd "$work"
# The --as-of each data set was made for, as benches/run.sh bills it.
n1m=$(as_of n1000000) g1m=$(as_of ingest1m) rcl=$(as_of rec-caseload)
# t NAME COMMAND...: one run of the current side ($side), unless NAME fails to match ONLY.
# Exit 0 or 1 (rejections, variances) is a finished run; anything else stops the script.
t() {
  local name=$1 rc=0
  shift
  [[ "$name" =~ ${ONLY:-.} ]] || return 0
  /usr/bin/time -a -o "$log" -f "$name $side %e %M %U" "$@" >/dev/null 2>"$scratch/stderr" || rc=$?
  [ "$rc" -le 1 ] || die "$name ($side) exited $rc: $(tail -3 "$scratch/stderr")"
}
for ((i = 1; i <= ${RUNS:-3}; i++)); do
  for side in A B; do
    if [ "$side" = A ]; then b=$old; else b=$new; fi
    t claims-1M "$b" -q --config n1000000/ecm.toml --as-of "$n1m" claims n1000000/encounters.csv --out "$scratch/c$side" --force
    t invoice-csv-1M "$b" -q --config n1000000/ecm.toml --as-of "$n1m" invoice n1000000/encounters.csv --format csv --out "$scratch/i$side" --force
    t ingest-1.04M "$b" -q --config ingest1m/ecm.toml --as-of "$g1m" ingest ingest1m/invoices.csv --roster ingest1m/roster.csv --out "$scratch/g$side" --force
    t reconcile-caseload "$b" -q --config rec-caseload/ecm.toml --as-of "$rcl" reconcile --roster rec-caseload/roster.csv --payments rec-caseload/payments.csv --encounters rec-caseload/encounters.csv --from 2025-01 --to 2025-12 --out "$scratch/r$side" --force
    t check-100k "$b" -q check check100k/claims/golden-valley.837
    t synth-1M "$b" -q synth --members "$(members_for 1000000)" --months 12 --seed 1 --out "$scratch/s$side" --invoices --force
  done
done
[ -z "${AB_LOG:-}" ] || grep -v '^Command exited' "$log" >"$AB_LOG"
python3 - "$log" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 5:
        runs[(p[0], p[1])].append((float(p[2]), int(p[3]) / 1024, float(p[4])))
print("| command | A wall | B wall | A peak | B peak | A user CPU | B user CPU |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in dict.fromkeys(k[0] for k in runs):
    a, b = runs[(name, "A")], runs[(name, "B")]
    med = lambda v, i: statistics.median(x[i] for x in v)
    print(f"| {name} | {med(a,0):.2f} s | {med(b,0):.2f} s | {med(a,1):.0f} MB | {med(b,1):.0f} MB | {med(a,2):.2f} s | {med(b,2):.2f} s |")
PY
