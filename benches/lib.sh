# What benches/run.sh and benches/ab.sh share: sourced, not run.

die() { echo "error: $*" >&2; exit 1; }

# The --as-of a synth data set was made for (its truth.json), so every script bills the same rows.
as_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("as_of","2026-01-01"))' "$1/truth.json" 2>/dev/null || echo 2026-01-01; }

# Members for about SIZE encounters: synth writes about 11.2 encounters a member over 12 months.
members_for() { echo $(( ($1 * 10 + 111) / 112 )); }
