#!/usr/bin/env python3
"""Copies an `ecm synth` directory with the cases synth rarely writes, to check that reconcile.sql
follows `ecm reconcile` on them too (run.sh on the copy must still say `agree: yes`).

    python3 benches/duckdb/edge_cases.py SYNTH_DIR OUT_DIR [--seed N]

Adds, with a fixed seed: tiers in other letter case, tiers no contract prices and empty tiers;
overlapping spans with the same and with another provider (mid-month); contract changes in the
middle of a month with a different outreach cap; bursts of outreach attempts (same-day ones
included) that run into the caps, and attempts after the last span; payments without a member,
repeated and recouped capitation, adjustments, payments for members not in the roster and for
months outside the roster's.
"""

import argparse
import csv
import datetime as dt
import pathlib
import random
import re
import shutil


def read(path):
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write(path, fields, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def day(s):
    return dt.date.fromisoformat(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    src, out = pathlib.Path(a.src), pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "truth.json", out / "truth.json")

    # Contracts: the first provider's rate change moves from the 1st to the 16th of a month (so the
    # month follows the contract in force first), with a tighter cap after the change; the
    # mid_month_15 contract ends on the 20th of a month and a new one starts on the 21st.
    toml = (src / "ecm.toml").read_text()
    toml = toml.replace('effective_to = "2025-06-30"', 'effective_to = "2025-06-15"')
    toml = toml.replace('effective_from = "2025-07-01"', 'effective_from = "2025-06-16"')
    toml = re.sub(
        r'(id = "sunrise-from-2025-07".*?outreach_cap = )\{ attempts = 10, days = 60 \}',
        r"\1{ attempts = 3, days = 120 }",
        toml,
        count=1,
        flags=re.S,
    )
    harbor = re.search(r'\[\[contract\]\]\nid = "harbor-light".*?(?=\n\[\[contract\]\]|\Z)', toml, re.S).group(0)
    later = (
        harbor.replace('id = "harbor-light"', 'id = "harbor-light-2025-09-21"')
        .replace('effective_from = "2022-01-01"', 'effective_from = "2025-09-21"')
        .replace('pmpm = "450.00"', 'pmpm = "470.00"')
        .replace("attempts = 12, days = 90", "attempts = 2, days = 10")
    )
    toml = toml.replace(harbor, harbor.replace('effective_from = "2022-01-01"', 'effective_from = "2022-01-01"\neffective_to = "2025-09-20"') + "\n\n" + later)
    (out / "ecm.toml").write_text(toml)

    fields, roster = read(src / "roster.csv")
    npis = sorted({r["provider_npi"] for r in roster})
    extra = []
    for r in roster:
        x = rng.random()
        if x < 0.05:
            r["tier"] = r["tier"].upper()
        elif x < 0.08:
            r["tier"] = "platinum"  # no contract prices it: UNKNOWN_TIER, nothing expected
        elif x < 0.11:
            r["tier"] = ""
        if rng.random() < 0.04:
            # Another provider from a mid-month day, overlapping the span.
            start = day(r["ecm_start"]) + dt.timedelta(days=rng.randint(10, 70))
            if start <= dt.date(2025, 12, 31):
                other = rng.choice([n for n in npis if n != r["provider_npi"]])
                end = start + dt.timedelta(days=rng.randint(5, 50))
                extra.append({**r, "provider_npi": other, "ecm_start": str(start), "ecm_end": str(end)})
        if rng.random() < 0.03:
            # The same provider again, overlapping: shared days count once.
            start = day(r["ecm_start"]) + dt.timedelta(days=rng.randint(0, 20))
            extra.append({**r, "ecm_start": str(start), "ecm_end": str(start + dt.timedelta(days=40)), "tier": "high"})
    roster += extra
    write(out / "roster.csv", fields, roster)
    in_roster = {r["member_id"] for r in roster}

    fields, enc = read(src / "encounters.csv")
    n = 0
    more = []
    outreach = [e for e in enc if e["activity"] == "outreach"]
    for e in rng.sample(outreach, min(len(outreach), max(10, len(outreach) // 10))):
        # A burst of attempts on and before the date, some on the same day, into the caps.
        base = day(e["service_date"])
        for _ in range(rng.randint(3, 14)):
            n += 1
            d = base - dt.timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21, 34]))
            more.append({**e, "encounter_id": f"X{n:09d}", "note_id": f"XN{n:08d}", "service_date": str(d)})
    for e in rng.sample(outreach, min(len(outreach), 20)):
        # After the member's spans: attempts in December (unattributed when no span covers them).
        n += 1
        more.append({**e, "encounter_id": f"X{n:09d}", "note_id": f"XN{n:08d}", "service_date": "2025-12-30"})
    write(out / "encounters.csv", fields, enc + more)

    fields, pay = read(src / "payments.csv")
    members = [p for p in pay if p["member_id"]]
    n = 0

    def line(p, **kw):
        nonlocal n
        n += 1
        return {**p, "payment_id": f"XP{n:08d}", **kw}

    more = []
    for p in rng.sample(members, max(5, len(members) // 50)):
        x = rng.random()
        if x < 0.25:
            more.append(line(p))  # the same capitation twice
        elif x < 0.45:
            more.append(line(p, amount="-" + p["amount"].lstrip("-")))  # recouped
        elif x < 0.6:
            more.append(line(p, kind="adjustment", amount=rng.choice(["-12.34", "7.50", "0.01"])))
        elif x < 0.75:
            more.append(line(p, member_id=""))  # no member: UNATTRIBUTED
        elif x < 0.85:
            more.append(line(p, member_id="NOTINROSTER1"))
        elif x < 0.92:
            more.append(line(p, service_month="2019-03"))  # outside the months: ignored
        else:
            more.append(line(p, kind="PMPM", amount=rng.choice(["150.00", "0.00", "999.99"])))
    write(out / "payments.csv", fields, pay + more)
    print(f"wrote {out}: {len(roster)} roster rows ({len(extra)} added), {len(enc)} + encounters, {len(pay) + len(more)} payments")


if __name__ == "__main__":
    main()
