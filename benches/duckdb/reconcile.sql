-- The PMPM reconciliation of `ecm reconcile` (src/reconcile/*.rs), in DuckDB SQL.
--
-- Set up by reconcile.py: tables `contract` (one row per [[contract]], money in integer cents,
-- `ord` = position in ecm.toml, open effective_to = 9999-12-31), `tier_rate`, `plan_payer`, and
-- the variables roster_csv, encounters_csv, payments_csv, as_of, from_month, to_month.
-- Money is integer cents throughout (no float near money); prorating rounds half-up in integers.
-- Result: table `provider_totals`, one row per provider and one for the plan.

-- Days of the month [m, m_end] from a to b (inclusive) as bits, bit 0 = the 1st (member_month.rs DaySet).
CREATE MACRO daymask(m, m_end, a, b) AS
    CASE WHEN greatest(a, m) > least(b, m_end) THEN 0::BIGINT
         ELSE ((1::BIGINT << day(least(b, m_end))) - 1) & ~((1::BIGINT << (day(greatest(a, m)) - 1)) - 1)
    END;
-- Integer cents as exact money text (-12.30).
CREATE MACRO money(c) AS CASE WHEN c < 0 THEN '-' ELSE '' END || CAST(abs(c) // 100 AS VARCHAR) || '.' || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0');
-- A date as input/date.rs reads it: YYYY-MM-DD or M/D/YYYY; NULL when neither (ecm rejects the row).
CREATE MACRO to_date(s) AS coalesce(
    CASE WHEN regexp_full_match(trim(s), '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(trim(s) AS DATE) END,
    CASE WHEN regexp_full_match(trim(s), '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(trim(s), '%m/%d/%Y') AS DATE) END);
-- The earliest day (1-31) of a non-empty day set.
CREATE MACRO first_day(x) AS CAST(round(log2(x & -x)) AS INTEGER) + 1;

-- Roster spans (roster_file.rs). row_no keeps the file order, the last tie-break of span_order.
-- Rows ecm refuses are left out as far as cheap checks go: no member_id, an NPI that is not ten
-- digits (the check digit is not verified), an unreadable start or end, an end before the start.
CREATE TABLE roster AS
SELECT * EXCLUDE (end_text)
FROM (
    SELECT row_number() OVER () AS row_no,
           trim(member_id) AS member_id,
           trim(provider_npi) AS npi,
           to_date(ecm_start) AS s,
           coalesce(to_date(ecm_end), DATE '9999-12-31') AS e,
           nullif(trim(ecm_end), '') AS end_text,
           nullif(trim(tier), '') AS tier
    FROM read_csv(getvariable('roster_csv'), header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', ignore_errors = true)
)
WHERE member_id <> '' AND regexp_full_match(npi, '\d{10}') AND s IS NOT NULL
  AND (end_text IS NULL OR to_date(end_text) IS NOT NULL) AND e >= s;

-- The months (ops/reconcile/mod.rs month_range): --from/--to, else the earliest start's month to
-- the latest end's month, an open span running to the run date.
SET VARIABLE from_m = coalesce(CAST(getvariable('from_month') AS DATE),
    (SELECT CAST(date_trunc('month', min(s)) AS DATE) FROM roster));
SET VARIABLE to_m = coalesce(CAST(getvariable('to_month') AS DATE),
    (SELECT CAST(date_trunc('month', max(greatest(CASE WHEN e = DATE '9999-12-31' THEN CAST(getvariable('as_of') AS DATE) ELSE e END, s))) AS DATE) FROM roster));

CREATE TABLE months AS
SELECT CAST(g AS DATE) AS m,
       CAST(last_day(CAST(g AS DATE)) AS DATE) AS m_end,
       day(last_day(CAST(g AS DATE))) AS dim
FROM generate_series(CAST(getvariable('from_m') AS TIMESTAMP), CAST(getvariable('to_m') AS TIMESTAMP), INTERVAL 1 MONTH) t(g);

-- Enrolled days per provider-member-month: the union of the member's spans with the provider
-- (days two spans share count once), clipped to the month (member_month.rs enrolled_days).
CREATE TABLE enrolled AS
SELECT r.npi, r.member_id, mo.m, bit_or(daymask(mo.m, mo.m_end, r.s, r.e)) AS days
FROM roster r JOIN months mo ON r.s <= mo.m_end AND r.e >= mo.m
GROUP BY ALL;

-- Encounters (encounter_files.rs + coding.rs): rows billed to the plan's payer; the activity
-- decides the class (outreach -> U8 attempt, the six core services -> U1/U2 service).
CREATE TABLE enc AS
SELECT row_number() OVER () AS eid,
       trim(encounter_id) AS encounter_id,
       trim(member_id) AS member_id,
       to_date(service_date) AS d,
       regexp_replace(lower(trim(activity)), '[ -]', '_', 'g') = 'outreach' AS is_outreach
FROM read_csv(getvariable('encounters_csv'), header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', ignore_errors = true)
WHERE to_date(service_date) IS NOT NULL AND trim(member_id) <> ''
  AND ((SELECT payer_key FROM plan_payer) IS NULL
       OR lower(trim(payer)) = lower((SELECT payer_key FROM plan_payer)));

-- The span covering an encounter's date (roster.rs covering): the one that started last; on the
-- same start, the lowest NPI, then the first row.
CREATE TABLE enc_cover AS
SELECT e.eid, r.npi
FROM enc e JOIN roster r ON r.member_id = e.member_id AND r.s <= e.d AND r.e >= e.d
QUALIFY row_number() OVER (PARTITION BY e.eid ORDER BY r.s DESC, r.npi, r.row_no) = 1;

-- Qualifying services per provider-member-month (encounter.rs attribute, reconciler.rs add_encounter).
CREATE TABLE services AS
SELECT c.npi, e.member_id, CAST(date_trunc('month', e.d) AS DATE) AS m, count(*) AS qualifying
FROM enc e JOIN enc_cover c USING (eid)
WHERE NOT e.is_outreach AND e.d >= getvariable('from_m') AND e.d <= last_day(getvariable('to_m'))
GROUP BY ALL;

-- Outreach attempts: the covering span's provider, else the provider of the member's next span
-- (before enrollment); after the last span, unattributed. Kept outside the months too: they use
-- up the cap's window.
CREATE TABLE attempt AS
WITH next_span AS (
    SELECT e.eid, r.npi
    FROM enc e JOIN roster r ON r.member_id = e.member_id AND r.s > e.d
    WHERE e.is_outreach AND e.eid NOT IN (SELECT eid FROM enc_cover)
    QUALIFY row_number() OVER (PARTITION BY e.eid ORDER BY r.s, r.npi, r.row_no) = 1
), attributed AS (
    SELECT e.eid, e.encounter_id, e.member_id, e.d, c.npi, false AS before_enrollment
    FROM enc e JOIN enc_cover c USING (eid) WHERE e.is_outreach
    UNION ALL
    SELECT e.eid, e.encounter_id, e.member_id, e.d, n.npi, true
    FROM enc e JOIN next_span n USING (eid)
), with_contract AS (
    -- The provider's contract in force on the attempt's date, the first in ecm.toml.
    SELECT a.*, c.outreach_c AS fee, c.cap_attempts, c.cap_days, c.before_only
    FROM attributed a LEFT JOIN contract c ON c.npi = a.npi AND a.d BETWEEN c.eff_from AND c.eff_to
    QUALIFY row_number() OVER (PARTITION BY a.eid ORDER BY c.ord NULLS LAST) = 1
)
SELECT *,
       row_number() OVER (PARTITION BY npi, member_id ORDER BY d, encounter_id) AS k,
       CASE WHEN fee IS NULL THEN 'no_fee'
            WHEN before_only AND NOT before_enrollment THEN 'not_before_enrollment'
            ELSE 'candidate' END AS pre
FROM with_contract;

-- The cap (outreach.rs judge_attempts), attempt by attempt in date then encounter-id order: a
-- candidate is payable when fewer than cap_attempts payable attempts fall in the window
-- (d - cap_days, d]. Refused attempts do not count, so each verdict depends on the earlier ones:
-- a recursive CTE carrying the payable dates still in the window, one step per attempt.
CREATE TABLE judged AS
WITH RECURSIVE j AS (
    SELECT npi, member_id, k, d, fee, outcome, win
    FROM (
        SELECT a.*,
               CASE WHEN pre <> 'candidate' THEN pre
                    WHEN cap_attempts IS NOT NULL AND cap_attempts <= 0 THEN 'over_cap'
                    ELSE 'payable' END AS outcome,
               CASE WHEN pre = 'candidate' AND coalesce(cap_attempts, 1) > 0 THEN [d] ELSE [] END::DATE[] AS win
        FROM attempt a WHERE k = 1
    )
    UNION ALL
    SELECT npi, member_id, k, d, fee,
           CASE WHEN pre <> 'candidate' THEN pre
                WHEN cap_attempts IS NOT NULL AND len(kept) >= cap_attempts THEN 'over_cap'
                ELSE 'payable' END,
           CASE WHEN pre = 'candidate' AND (cap_attempts IS NULL OR len(kept) < cap_attempts)
                THEN list_append(kept, d) ELSE kept END
    FROM (
        SELECT a.*,
               -- Only a candidate under a cap drops the dates that left its window (as the Rust does).
               CASE WHEN a.pre = 'candidate' AND a.cap_attempts IS NOT NULL
                    THEN list_filter(j.win, lambda x: x > a.d - CAST(a.cap_days AS INTEGER))
                    ELSE j.win END AS kept
        FROM j JOIN attempt a ON a.npi = j.npi AND a.member_id = j.member_id AND a.k = j.k + 1
    )
)
SELECT npi, member_id, d, fee, outcome FROM j;

CREATE TABLE outreach AS
SELECT npi, member_id, CAST(date_trunc('month', d) AS DATE) AS m,
       count(*) AS attempts,
       count(*) FILTER (WHERE outcome = 'payable') AS payable,
       count(*) FILTER (WHERE outcome = 'over_cap') AS over_cap,
       coalesce(sum(fee) FILTER (WHERE outcome = 'payable'), 0) AS expected_outreach_c
FROM judged
WHERE d >= getvariable('from_m') AND d <= last_day(getvariable('to_m'))
GROUP BY ALL;

-- Payments (payment_file.rs, payment.rs): lines for the months only; pmpm and adjustment lines
-- are the PMPM side, negative amounts are recoupments; no member -> provider-level unattributed.
CREATE TABLE payment AS
SELECT * FROM (
    SELECT trim(provider_npi) AS npi,
           nullif(trim(member_id), '') AS member_id,
           CASE WHEN regexp_full_match(trim(service_month), '\d{4}-\d{2}')
                THEN TRY_CAST(trim(service_month) || '-01' AS DATE) END AS m,
           lower(trim(kind)) AS kind,
           CASE WHEN regexp_full_match(trim(amount), '-?\d+(\.\d{1,2}0*)?')
                THEN CAST(CAST(trim(amount) AS DECIMAL(18, 2)) * 100 AS BIGINT) END AS amount_c
    FROM read_csv(getvariable('payments_csv'), header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', ignore_errors = true)
)
-- Lines ecm refuses, as far as these checks go: a month, kind or amount it cannot read.
WHERE m IS NOT NULL AND kind IN ('pmpm', 'outreach', 'adjustment') AND amount_c IS NOT NULL
  AND regexp_full_match(npi, '\d{10}');

CREATE TABLE paid AS
SELECT npi, member_id, m,
       coalesce(sum(amount_c) FILTER (WHERE kind IN ('pmpm', 'adjustment')), 0) AS paid_pmpm_c,
       coalesce(sum(amount_c) FILTER (WHERE kind = 'outreach'), 0) AS paid_outreach_c,
       -- The same positive capitation amount paid twice (payment.rs has_repeated_pmpm).
       count(*) FILTER (WHERE kind = 'pmpm' AND amount_c > 0)
         > count(DISTINCT amount_c) FILTER (WHERE kind = 'pmpm' AND amount_c > 0) AS repeated_pmpm
FROM payment
WHERE member_id IS NOT NULL AND m BETWEEN getvariable('from_m') AND getvariable('to_m')
GROUP BY ALL;

CREATE TABLE unattributed AS
SELECT npi, sum(amount_c) AS unattributed_c
FROM payment
WHERE member_id IS NULL AND m BETWEEN getvariable('from_m') AND getvariable('to_m')
GROUP BY ALL;

-- Every provider-member-month something touched: enrollment, a service, an attempt, a payment.
CREATE TABLE cell AS
WITH k AS (
    SELECT npi, member_id, m FROM enrolled
    UNION SELECT npi, member_id, m FROM services
    UNION SELECT npi, member_id, m FROM outreach
    UNION SELECT npi, member_id, m FROM paid
)
SELECT k.npi, k.member_id, k.m, mo.m_end, mo.dim,
       coalesce(en.days, 0) AS days,
       coalesce(sv.qualifying, 0) AS qualifying,
       coalesce(o.expected_outreach_c, 0) AS expected_outreach_c,
       coalesce(p.paid_pmpm_c, 0) AS paid_pmpm_c,
       coalesce(p.paid_outreach_c, 0) AS paid_outreach_c,
       coalesce(p.repeated_pmpm, false) AS repeated_pmpm,
       coalesce(o.attempts, 0) AS outreach_attempts,
       coalesce(o.payable, 0) AS outreach_payable,
       coalesce(o.over_cap, 0) AS outreach_over_cap
FROM k
JOIN months mo USING (m)
LEFT JOIN enrolled en USING (npi, member_id, m)
LEFT JOIN services sv USING (npi, member_id, m)
LEFT JOIN outreach o USING (npi, member_id, m)
LEFT JOIN paid p USING (npi, member_id, m);

-- The governing contract (expectation.rs governing_contract): the contract in force on the
-- earliest enrolled day on which some contract is in force (the whole month when not enrolled),
-- ties by contract id.
CREATE TABLE governed AS
WITH candidate AS (
    SELECT c.npi, c.member_id, c.m, g.id AS contract_id, g.basis, g.rule, g.pmpm_c, g.has_tiers,
           (CASE WHEN c.days = 0 THEN daymask(c.m, c.m_end, c.m, c.m_end) ELSE c.days END)
             & daymask(c.m, c.m_end, g.eff_from, g.eff_to) AS shared
    FROM cell c JOIN contract g ON g.npi = c.npi AND g.eff_from <= c.m_end AND g.eff_to >= c.m
), governing AS (
    SELECT npi, member_id, m, contract_id, basis, rule, pmpm_c, has_tiers, first_day(shared) AS gov_day
    FROM candidate WHERE shared <> 0
    QUALIFY row_number() OVER (PARTITION BY npi, member_id, m ORDER BY first_day(shared), contract_id) = 1
)
SELECT c.*, g.contract_id, g.basis, g.rule, g.pmpm_c, g.has_tiers, g.gov_day
FROM cell c LEFT JOIN governing g USING (npi, member_id, m);

-- The tier: of the span with the provider covering the governing day (roster.rs covering_with:
-- the last of the member's spans in start, row order); none when not enrolled.
CREATE TABLE tiered AS
SELECT g.*, r.tier
FROM governed g LEFT JOIN roster r
  ON g.days <> 0 AND r.member_id = g.member_id AND r.npi = g.npi
 AND r.s <= make_date(year(g.m), month(g.m), coalesce(g.gov_day, first_day(g.days)))
 AND r.e >= make_date(year(g.m), month(g.m), coalesce(g.gov_day, first_day(g.days)))
QUALIFY row_number() OVER (PARTITION BY g.npi, g.member_id, g.m ORDER BY r.s DESC, r.row_no DESC, r.e DESC) = 1;

-- Rates (expectation.rs rate_for): no tier or no tier_rates -> pmpm; the tier's rate (exactly,
-- then ignoring case); a tier another contract prices -> pmpm; a tier no contract prices -> unknown.
CREATE TABLE member_month AS
WITH known AS (SELECT DISTINCT lower(tier) AS t FROM tier_rate),
ci AS (SELECT contract_id, lower(tier) AS t, arg_min(rate_c, tier) AS rate_c FROM tier_rate GROUP BY ALL),
rated AS (
    SELECT t.*,
           CASE WHEN t.contract_id IS NULL THEN NULL
                WHEN t.tier IS NULL OR NOT t.has_tiers THEN t.pmpm_c
                WHEN ex.rate_c IS NOT NULL THEN ex.rate_c
                WHEN ci.rate_c IS NOT NULL THEN ci.rate_c
                WHEN lower(t.tier) IN (SELECT t FROM known) THEN t.pmpm_c
                ELSE NULL END AS rate_c,
           CASE t.rule
                WHEN 'first_of_month' THEN t.days & 1 <> 0
                WHEN 'mid_month_15' THEN t.days & (1::BIGINT << 14) <> 0
                ELSE t.days <> 0 END AND t.contract_id IS NOT NULL AS counted
    FROM tiered t
    LEFT JOIN tier_rate ex ON ex.contract_id = t.contract_id AND ex.tier = t.tier
    LEFT JOIN ci ON ci.contract_id = t.contract_id AND ci.t = lower(t.tier)
)
SELECT *,
       counted AND (basis = 'enrolled' OR qualifying > 0) AS earns,
       CASE WHEN NOT (counted AND (basis = 'enrolled' OR qualifying > 0)) OR rate_c IS NULL THEN 0
            -- rate x enrolled days / days in month, rounded half-up to the cent (rates are positive).
            WHEN rule = 'prorated_daily' THEN (rate_c * bit_count(days) * 2 + dim) // (2 * dim)
            ELSE rate_c END AS expected_pmpm_c
FROM rated;

-- Variance reasons (variance.rs pmpm_reason, outreach_reason), first match wins.
CREATE TABLE reasoned AS
SELECT *,
       CASE WHEN paid_pmpm_c > 0 AND (days = 0 OR (contract_id IS NOT NULL AND NOT counted)) THEN 'PAID_NOT_ENROLLED'
            WHEN paid_pmpm_c > 0 AND counted AND NOT earns THEN 'PAID_WITHOUT_QUALIFYING_ENCOUNTER'
            WHEN earns AND rate_c IS NULL THEN 'UNKNOWN_TIER'
            WHEN paid_pmpm_c = expected_pmpm_c THEN NULL
            WHEN paid_pmpm_c < expected_pmpm_c THEN CASE WHEN paid_pmpm_c = 0 THEN 'UNPAID' ELSE 'UNDERPAID' END
            WHEN repeated_pmpm THEN 'DUPLICATE_PAYMENT'
            ELSE 'OVERPAID' END AS pmpm_reason,
       CASE WHEN paid_outreach_c = expected_outreach_c THEN NULL
            WHEN paid_outreach_c < expected_outreach_c THEN CASE WHEN paid_outreach_c = 0 THEN 'UNPAID' ELSE 'UNDERPAID' END
            WHEN outreach_over_cap > 0 THEN 'OUTREACH_OVER_CAP'
            ELSE 'OVERPAID' END AS outreach_reason
FROM member_month;

-- Variances added up by reason (summary.rs): a row counts once per distinct reason; the PMPM
-- variance goes to the PMPM reason, the outreach variance to the outreach reason.
CREATE TABLE reason_totals AS
WITH parts AS (
    SELECT pmpm_reason AS reason, 1 AS n, paid_pmpm_c - expected_pmpm_c AS amount_c
    FROM reasoned WHERE pmpm_reason IS NOT NULL
    UNION ALL
    SELECT outreach_reason, CASE WHEN outreach_reason = pmpm_reason THEN 0 ELSE 1 END, paid_outreach_c - expected_outreach_c
    FROM reasoned WHERE outreach_reason IS NOT NULL
    UNION ALL
    SELECT 'UNATTRIBUTED', 1, amount_c
    FROM payment WHERE member_id IS NULL AND m BETWEEN getvariable('from_m') AND getvariable('to_m')
)
SELECT reason, CAST(sum(n) AS BIGINT) AS rows, money(sum(amount_c)) AS amount
FROM parts GROUP BY reason;

-- Per provider (summary.rs, scope provider_total) and for the plan.
CREATE TABLE provider_totals AS
WITH p AS (
    SELECT npi,
           count(*) AS member_months,
           count(*) FILTER (WHERE days <> 0) AS enrolled_member_months,
           count(*) FILTER (WHERE counted) AS counted_member_months,
           count(*) FILTER (WHERE counted AND qualifying > 0) AS engaged_member_months,
           sum(expected_pmpm_c) AS expected_pmpm_c,
           sum(expected_outreach_c) AS expected_outreach_c,
           sum(paid_pmpm_c) AS paid_pmpm_c,
           sum(paid_outreach_c) AS paid_outreach_c,
           count(*) FILTER (WHERE pmpm_reason IS NOT NULL OR outreach_reason IS NOT NULL) AS rows_with_variance
    FROM reasoned GROUP BY npi
), t AS (
    SELECT coalesce(p.npi, u.npi) AS npi,
           coalesce(member_months, 0) AS member_months,
           coalesce(enrolled_member_months, 0) AS enrolled_member_months,
           coalesce(counted_member_months, 0) AS counted_member_months,
           coalesce(engaged_member_months, 0) AS engaged_member_months,
           coalesce(expected_pmpm_c, 0) AS expected_pmpm_c,
           coalesce(expected_outreach_c, 0) AS expected_outreach_c,
           coalesce(paid_pmpm_c, 0) AS paid_pmpm_c,
           coalesce(paid_outreach_c, 0) AS paid_outreach_c,
           coalesce(unattributed_c, 0) AS unattributed_c,
           coalesce(rows_with_variance, 0) AS rows_with_variance
    FROM p FULL JOIN unattributed u USING (npi)
), both_scopes AS (
    SELECT 'provider_total' AS scope, * FROM t
    UNION ALL
    SELECT 'plan_total', NULL, sum(member_months), sum(enrolled_member_months), sum(counted_member_months),
           sum(engaged_member_months), sum(expected_pmpm_c), sum(expected_outreach_c), sum(paid_pmpm_c),
           sum(paid_outreach_c), sum(unattributed_c), sum(rows_with_variance)
    FROM t
)
SELECT scope, npi AS provider_npi,
       CAST(member_months AS BIGINT) AS member_months,
       CAST(enrolled_member_months AS BIGINT) AS enrolled_member_months,
       CAST(counted_member_months AS BIGINT) AS counted_member_months,
       CAST(engaged_member_months AS BIGINT) AS engaged_member_months,
       money(expected_pmpm_c) AS expected_pmpm,
       money(expected_outreach_c) AS expected_outreach,
       money(expected_pmpm_c + expected_outreach_c) AS expected_total,
       money(paid_pmpm_c) AS paid_pmpm,
       money(paid_outreach_c) AS paid_outreach,
       money(unattributed_c) AS unattributed,
       money(paid_pmpm_c + paid_outreach_c + unattributed_c) AS paid_total,
       money(paid_pmpm_c + paid_outreach_c + unattributed_c - expected_pmpm_c - expected_outreach_c) AS variance,
       CAST(rows_with_variance AS BIGINT) AS rows_with_variance
FROM both_scopes;

-- The member-month rows in the columns of ecm's member-months.csv that this SQL computes.
CREATE VIEW detail AS
SELECT npi AS provider_npi, member_id, strftime(m, '%Y-%m') AS month,
       coalesce(contract_id, '') AS contract_id,
       CAST(bit_count(days) AS INTEGER) AS enrolled_days,
       CASE WHEN counted THEN 'yes' ELSE 'no' END AS counted,
       coalesce(tier, '') AS tier,
       CASE WHEN contract_id IS NULL THEN '' WHEN rate_c IS NULL THEN 'unknown' ELSE money(rate_c) END AS rate,
       qualifying AS qualifying_encounters, outreach_payable, outreach_attempts, outreach_over_cap,
       money(expected_pmpm_c) AS expected_pmpm, money(expected_outreach_c) AS expected_outreach,
       money(paid_pmpm_c) AS paid_pmpm, money(paid_outreach_c) AS paid_outreach,
       concat_ws(';', pmpm_reason, CASE WHEN outreach_reason IS DISTINCT FROM pmpm_reason THEN outreach_reason END) AS reason_codes
FROM reasoned;
