#!/usr/bin/env python3
"""Compares `ecm reconcile`'s outputs with reconcile.py's, exactly (money as decimal text).

    python3 benches/duckdb/compare.py ECM_OUT_DIR DUCK_TOTALS.csv [--reasons R.csv] [--detail MM.csv]

Checks, per provider and for the plan: member-months (rows), enrolled, counted and engaged
member-months, expected, paid, unattributed, variance and rows with a variance; the variance totals
by reason; and, with --detail, every member-month row on the columns both compute. Prints one line
per difference (the first 20 of each kind) and `agree: yes` or `agree: no`; exits 0 or 1.
"""

import argparse
import csv
import json
import pathlib
import sys
from decimal import Decimal

TOTAL_COLUMNS = [
    "enrolled_member_months",
    "counted_member_months",
    "engaged_member_months",
    "expected_pmpm",
    "expected_outreach",
    "expected_total",
    "paid_pmpm",
    "paid_outreach",
    "unattributed",
    "paid_total",
    "variance",
    "rows_with_variance",
]


def same(a, b):
    """Equal as numbers when both are numbers, else as text."""
    try:
        return Decimal(a) == Decimal(b)
    except Exception:
        return a == b


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ecm_out")
    ap.add_argument("duck_totals")
    ap.add_argument("--reasons")
    ap.add_argument("--detail")
    a = ap.parse_args()
    out = pathlib.Path(a.ecm_out)
    diffs = {}

    def differ(kind, text):
        diffs.setdefault(kind, []).append(text)

    summary_json = json.loads((out / "summary.json").read_text())
    ecm = {
        (r["scope"], r["provider_npi"]): r
        for r in read_csv(out / "summary.csv")
        if r["scope"] in ("provider_total", "plan_total")
    }
    duck = {(r["scope"], r["provider_npi"]): r for r in read_csv(a.duck_totals)}
    for key in sorted(set(ecm) | set(duck)):
        if key not in ecm or key not in duck:
            differ("totals", f"{key}: only in {'ecm' if key in ecm else 'duckdb'}")
            continue
        for col in TOTAL_COLUMNS:
            if not same(ecm[key][col], duck[key][col]):
                differ("totals", f"{key} {col}: ecm {ecm[key][col]}, duckdb {duck[key][col]}")
    plan_rows = duck.get(("plan_total", ""), {}).get("member_months")
    if str(summary_json["member_months"]) != str(plan_rows):
        differ("totals", f"member-months: ecm {summary_json['member_months']}, duckdb {plan_rows}")

    if a.reasons:
        ecm_r = {r["reason"]: (int(r["rows"]), Decimal(r["amount"])) for r in summary_json["variances_by_reason"]}
        duck_r = {r["reason"]: (int(r["rows"]), Decimal(r["amount"])) for r in read_csv(a.reasons)}
        for reason in sorted(set(ecm_r) | set(duck_r)):
            if ecm_r.get(reason) != duck_r.get(reason):
                differ("reasons", f"{reason}: ecm {ecm_r.get(reason)}, duckdb {duck_r.get(reason)}")

    compared_rows = 0
    if a.detail:
        key = lambda r: (r["provider_npi"], r["member_id"], r["month"])  # noqa: E731
        duck_d = {key(r): r for r in read_csv(a.detail)}
        cols = [c for c in next(iter(duck_d.values()), {}) if c not in ("provider_npi", "member_id", "month")]
        with open(out / "member-months.csv", newline="") as f:
            for r in csv.DictReader(f):
                d = duck_d.pop(key(r), None)
                if d is None:
                    differ("rows", f"{key(r)}: only in ecm")
                    continue
                compared_rows += 1
                for c in cols:
                    if not same(r[c], d[c]):
                        differ("rows", f"{key(r)} {c}: ecm {r[c]!r}, duckdb {d[c]!r}")
        for k in duck_d:
            differ("rows", f"{k}: only in duckdb")

    for kind, lines in diffs.items():
        print(f"{kind}: {len(lines)} differences", file=sys.stderr)
        for line in lines[:20]:
            print(f"  {line}", file=sys.stderr)
    checked = "provider and plan totals" + (", reasons" if a.reasons else "")
    if a.detail:
        checked += f", {compared_rows} member-month rows"
    print(f"compared {checked}", file=sys.stderr)
    print("agree: " + ("no" if diffs else "yes"))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
