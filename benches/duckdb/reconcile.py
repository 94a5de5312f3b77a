#!/usr/bin/env python3
"""The PMPM reconciliation of `ecm reconcile`, in DuckDB SQL (reconcile.sql), for the speed comparison.

    target/duckdb-venv/bin/python benches/duckdb/reconcile.py --config DIR/ecm.toml \
        --roster DIR/roster.csv --encounters DIR/encounters.csv --payments DIR/payments.csv \
        --as-of 2026-01-01 [--from YYYY-MM] [--to YYYY-MM] --out totals.csv [--detail mm.csv] [--reasons r.csv]

This step only loads the [plan] and [[contract]] sections of ecm.toml (python's tomllib) into
tables and hands the file names to reconcile.sql; every rule is in the SQL. It writes the
per-provider totals (and a plan row) as CSV in the columns of ecm's summary.csv it can compare.
"""

import argparse
import pathlib
import sys
import time
import tomllib

import duckdb

HERE = pathlib.Path(__file__).resolve().parent


def cents(text):
    """A money string ("400.00") as integer cents, exactly (no float)."""
    whole, _, frac = text.strip().partition(".")
    if len(frac) > 2:
        raise SystemExit(f"money with more than 2 decimals in the config: {text!r}")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * 100 + int((frac + "00")[:2]))


def load_config(con, path):
    cfg = tomllib.loads(pathlib.Path(path).read_text())
    plan = cfg.get("plan") or sys.exit(f"{path}: no [plan] section")
    contracts = cfg.get("contract") or sys.exit(f"{path}: no [[contract]] section")
    # The [[payer]] whose payer_id is the plan's: encounters billed to other payers are left out.
    key = next((p["key"] for p in cfg.get("payer", []) if p.get("payer_id") == plan.get("payer_id")), None)
    con.execute("CREATE TABLE plan_payer (payer_key VARCHAR)")
    con.execute("INSERT INTO plan_payer VALUES (?)", [key])
    con.execute(
        """CREATE TABLE contract (ord INTEGER, id VARCHAR, npi VARCHAR, eff_from DATE, eff_to DATE,
        basis VARCHAR, rule VARCHAR, pmpm_c BIGINT, outreach_c BIGINT, cap_attempts INTEGER,
        cap_days INTEGER, before_only BOOLEAN, has_tiers BOOLEAN)"""
    )
    con.execute("CREATE TABLE tier_rate (contract_id VARCHAR, tier VARCHAR, rate_c BIGINT)")
    for i, c in enumerate(contracts):
        cap = c.get("outreach_cap") or {}
        tiers = c.get("tier_rates") or {}
        con.execute(
            "INSERT INTO contract VALUES (?, ?, ?, ?, coalesce(?::DATE, DATE '9999-12-31'), ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                i,
                c["id"],
                str(c["provider_npi"]).strip(),
                str(c["effective_from"]),
                str(c["effective_to"]) if "effective_to" in c else None,
                c.get("payment_basis", "enrolled"),
                c.get("member_month_rule", "any_day"),
                cents(c["pmpm"]),
                cents(c["outreach_rate"]) if c.get("outreach_rate") is not None else None,
                cap.get("attempts"),
                cap.get("days"),
                bool(c.get("outreach_before_enrollment_only", False)),
                bool(tiers),
            ],
        )
        for tier, rate in tiers.items():
            con.execute("INSERT INTO tier_rate VALUES (?, ?, ?)", [c["id"], tier, cents(rate)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--roster", required=True)
    ap.add_argument("--encounters", required=True)
    ap.add_argument("--payments", required=True)
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD: open spans run to this month")
    ap.add_argument("--from", dest="from_month", help="YYYY-MM")
    ap.add_argument("--to", dest="to_month", help="YYYY-MM")
    ap.add_argument("--out", required=True, help="per-provider totals CSV")
    ap.add_argument("--detail", help="also write the member-month rows (CSV, ecm's column names)")
    ap.add_argument("--reasons", help="also write the variance totals by reason (CSV)")
    ap.add_argument("--timings", action="store_true", help="print each statement's wall time to stderr")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    a = ap.parse_args()

    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    load_config(con, a.config)
    month = lambda m: f"{m}-01" if m else None  # noqa: E731
    for name, value in [
        ("roster_csv", a.roster),
        ("encounters_csv", a.encounters),
        ("payments_csv", a.payments),
        ("as_of", a.as_of),
        ("from_month", month(a.from_month)),
        ("to_month", month(a.to_month)),
    ]:
        con.execute(f"SET VARIABLE {name} = ?", [value])
    sql = (HERE / "reconcile.sql").read_text()
    if a.timings:
        # One statement at a time (every statement in reconcile.sql ends with ";" at a line end).
        for stmt in filter(str.strip, sql.split(";\n")):
            t = time.perf_counter()
            con.execute(stmt)
            name = next((l for l in stmt.splitlines() if l.strip() and not l.startswith("--")), "")
            print(f"{time.perf_counter() - t:8.3f} s  {name[:70]}", file=sys.stderr)
    else:
        con.execute(sql)
    con.execute("COPY (SELECT * FROM provider_totals ORDER BY scope, provider_npi) TO ? (HEADER, DELIMITER ',')", [a.out])
    if a.detail:
        con.execute("COPY (SELECT * FROM detail ORDER BY provider_npi, member_id, month) TO ? (HEADER, DELIMITER ',')", [a.detail])
    if a.reasons:
        con.execute("COPY (SELECT * FROM reason_totals ORDER BY reason) TO ? (HEADER, DELIMITER ',')", [a.reasons])
    for row in con.execute("SELECT * FROM provider_totals WHERE scope = 'plan_total'").fetchall():
        print("duckdb plan total:", row, file=sys.stderr)


if __name__ == "__main__":
    main()
