//! Money: a decimal amount in dollars with at most two places. Never a float.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// An amount in US dollars with at most two decimal places (cents). May be negative (a recoupment).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why a string is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "an amount is a plain decimal number such as 150.00 (no $ sign, no thousands separators)"
    )]
    Syntax,
    #[error(
        "an amount ends with a decimal point; a whole amount is written without one (30, not 30.)"
    )]
    PointLast,
    #[error("an amount has at most two decimal places (cents)")]
    TooPrecise,
    #[error("an amount is limited to {MAX_AMOUNT}")]
    TooLarge,
    #[error("an X12 amount has at most 18 digits: 9,999,999,999,999,999.99 at most")]
    TooLargeForX12,
}

/// The largest amount [`Money`] holds, as written in messages.
pub const MAX_AMOUNT: &str = "9,999,999.99";

/// A plain decimal as amounts are written: digits, at most one point with digits on both sides,
/// an optional leading minus; no `$`, commas or exponents.
fn plain_decimal(s: &str) -> Result<Decimal, MoneyError> {
    let s = super::text::trim(s);
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.starts_with('.') || body.ends_with('.') {
        return Err(MoneyError::Syntax);
    }
    parse_x12_decimal(s)
}

/// An X12 decimal (type R, as the 5010 guides allow it: no exponent) as a number: what
/// [`is_x12_decimal`] accepts, `.5` read as 0.5. `30.` is refused with its own error, the guides
/// saying a whole number is sent without its point. Amounts go through [`Money::parse_x12`];
/// quantities (unit counts) through this.
pub fn parse_x12_decimal(s: &str) -> Result<Decimal, MoneyError> {
    if !is_x12_decimal(s) {
        // A decimal without a point is digits, at least one.
        let whole = s
            .strip_suffix('.')
            .is_some_and(|w| is_x12_decimal(w) && !w.contains('.'));
        return Err(if whole {
            MoneyError::PointLast
        } else {
            MoneyError::Syntax
        });
    }
    // `.5` and `-.5` are read as `0.5` and `-0.5`.
    let body = s.strip_prefix('-').unwrap_or(s);
    let value = match body.strip_prefix('.') {
        Some(frac) => Decimal::from_str(&format!("0.{frac}")),
        None => Decimal::from_str(body),
    }
    .map_err(|_| MoneyError::Syntax)?;
    // No negative zero: `-0` is 0.
    Ok(if s.starts_with('-') && !value.is_zero() {
        -value
    } else {
        value
    })
}

/// Whether `s` is a decimal number as X12 writes one (data type R, without the exponent the
/// 5010 guides forbid): an optional leading minus, then digits with at most one point, with
/// at least one digit after the point when there is one: `150`, `150.5`, `0.5`, `.5`, `-2`.
/// Not `+5` (X12 never sends a plus sign), `5.` (a whole number is sent without its point),
/// `1,500`, `1e3` or a bare point. The checker, both X12 readers and [`Money::parse_x12`] use it.
pub fn is_x12_decimal(s: &str) -> bool {
    // One pass (the writer checks every amount it writes with this): digits, at most one point,
    // and at least one digit after a point.
    let b = s.as_bytes();
    let body = b.strip_prefix(b"-").unwrap_or(b);
    let mut point = None;
    for (i, &c) in body.iter().enumerate() {
        if c == b'.' {
            if point.is_some() {
                return false;
            }
            point = Some(i);
        } else if !c.is_ascii_digit() {
            return false;
        }
    }
    match point {
        Some(p) => p + 1 < body.len(),
        None => !body.is_empty(),
    }
}

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Parses `150`, `150.5`, `150.50`, `-12.00`. Rejects `$`, commas, exponents and sub-cent amounts.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        Money::within(plain_decimal(s)?, Money::MAX, MoneyError::TooLarge)
    }

    /// The largest amount ecm takes from its own inputs and bills.
    const MAX: Decimal = Decimal::from_parts(999_999_999, 0, 0, false, 2);

    /// The largest amount an X12 amount element (type R, at most 18 digits) holds with cents.
    pub const MAX_X12: Decimal = Decimal::from_parts(2_808_348_671, 232_830_643, 0, false, 2);

    /// Parses an amount read from an X12 file (an 835's BPR02, CLP, SVC and PLB amounts, an
    /// 837's CLM02 and SV102), as [`Money::parse`] but up to the 18 digits X12 allows
    /// ([`Money::MAX_X12`]) rather than the 9,999,999.99 ecm takes from its own inputs and
    /// bills: a plan's payment run can exceed ten million dollars. Sums of such amounts stay exact
    /// (a decimal holds 28 digits). It takes every form of the X12 decimal ([`is_x12_decimal`]),
    /// so also a leading point (`.5`, which the guides even prefer to `0.5`), and nothing
    /// around it (no spaces: the checker refuses them too).
    pub fn parse_x12(s: &str) -> Result<Money, MoneyError> {
        Money::within(
            parse_x12_decimal(s)?,
            Money::MAX_X12,
            MoneyError::TooLargeForX12,
        )
    }

    /// Wraps a decimal that already has at most two places.
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        Money::within(d, Money::MAX, MoneyError::TooLarge)
    }

    /// `d` as money: at most two places and at most `max` either side of zero.
    fn within(d: Decimal, max: Decimal, too_large: MoneyError) -> Result<Money, MoneyError> {
        let d = d.normalize();
        if d.scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if d.abs() > max {
            return Err(too_large);
        }
        Ok(Money(d))
    }

    /// Rounds a decimal half away from zero to the cent (the usual billing rounding).
    pub fn round_half_up(d: Decimal) -> Money {
        Money(
            d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }

    /// The underlying decimal.
    pub fn amount(&self) -> Decimal {
        self.0
    }

    /// Whether below zero.
    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether exactly zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Multiplies by a whole number of units.
    pub fn times(&self, units: u32) -> Money {
        Money((self.0 * Decimal::from(units)).normalize())
    }

    /// Always two places: `150.00`, as invoices and reports show money.
    pub fn to_cents_string(&self) -> String {
        let mut s = String::with_capacity(12);
        self.push_cents(&mut s);
        s
    }

    /// Appends the two-place form of [`Money::to_cents_string`] to `out`, without allocating:
    /// reports write millions of amounts.
    pub fn push_cents(&self, out: &mut String) {
        use std::fmt::Write;
        let scale = self.0.scale();
        if scale > 2 {
            // Not made by this type's constructors; format the general way.
            let _ = write!(out, "{:.2}", self.0);
            return;
        }
        let cents = self.0.mantissa() * 10i128.pow(2 - scale);
        if self.0.is_sign_negative() && cents == 0 {
            out.push('-');
        }
        if cents < 0 {
            out.push('-');
        }
        let c = cents.unsigned_abs();
        // Digits by hand: the formatting machinery and 128-bit division were most of the cost
        // of writing member-months.csv.
        match u64::try_from(c) {
            Ok(c) => {
                push_uint(out, c / 100);
                let rest = (c % 100) as u8;
                out.push('.');
                out.push(char::from(b'0' + rest / 10));
                out.push(char::from(b'0' + rest % 10));
            }
            Err(_) => {
                let _ = write!(out, "{}.{:02}", c / 100, c % 100);
            }
        }
    }

    /// As a person reads an amount: `$150.00`, and a credit `-$35.00`.
    pub fn to_dollars(&self) -> String {
        let cents = self.to_cents_string();
        match cents.strip_prefix('-') {
            Some(abs) => format!("-${abs}"),
            None => format!("${cents}"),
        }
    }

    /// The X12 form: no trailing zeros after the point and no bare point (`150`, `150.5`, `0.25`).
    pub fn to_x12(&self) -> String {
        let d = self.0.normalize();
        if d.is_zero() {
            "0".to_string()
        } else {
            d.to_string()
        }
    }
}

/// Appends `n` in decimal digits, without the formatting machinery (reports write millions of
/// numbers).
pub fn push_uint(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    super::text::push_ascii(out, &buf[i..]);
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money((self.0 + o.0).normalize())
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        *self = *self + o;
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money((self.0 - o.0).normalize())
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    /// Adds the raw decimals and normalizes once at the end: the same value as adding pair by pair,
    /// without stripping trailing zeros after every term.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.fold(Decimal::ZERO, |a, b| a + b.0).normalize())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_cents_string())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.to_cents_string())
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_cents_string())
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The allocation-free writer says exactly what Decimal's own "{:.2}" says.
        #[test]
        fn cents_are_written_as_decimal_formats_them(m in -99_999_999_999i64..99_999_999_999, scale in 0u32..=2, neg in any::<bool>()) {
            let mut d = Decimal::new(m, scale);
            d.set_sign_negative(neg ^ (m < 0));
            let money = Money(d);
            prop_assert_eq!(money.to_cents_string(), format!("{:.2}", d));
        }

        /// The one-pass check says what splitting at the point says.
        #[test]
        fn the_x12_decimal_check_is_the_split_rule(s in "-?[0-9.]{0,6}|[-0-9.a ]{0,5}") {
            let body = s.strip_prefix('-').unwrap_or(&s);
            let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
            let want = match body.split_once('.') {
                Some((int, frac)) => !frac.is_empty() && digits(int) && digits(frac),
                None => !body.is_empty() && digits(body),
            };
            prop_assert_eq!(is_x12_decimal(&s), want);
        }

        /// Summing normalizes once; the result is the value and the digits that adding pair by pair gives.
        #[test]
        fn a_sum_is_the_pairwise_total(cents in proptest::collection::vec(-999_999_999i64..999_999_999, 0..40)) {
            let amounts: Vec<Money> = cents.iter().map(|&c| Money(Decimal::new(c, 2))).collect();
            let pairwise = amounts.iter().fold(Money::ZERO, |a, &b| a + b);
            let summed: Money = amounts.into_iter().sum();
            prop_assert_eq!(summed, pairwise);
            prop_assert_eq!(summed.to_x12(), pairwise.to_x12());
            prop_assert_eq!(summed.to_cents_string(), pairwise.to_cents_string());
        }
    }

    #[test]
    fn negative_zero_is_written_as_decimal_writes_it() {
        let mut d = Decimal::ZERO;
        d.set_sign_negative(true);
        assert_eq!(Money(d).to_cents_string(), format!("{d:.2}"));
        assert_eq!(
            (Money::parse("1").unwrap() - Money::parse("1").unwrap()).to_cents_string(),
            "0.00"
        );
    }

    #[test]
    fn cents_are_written_with_two_places() {
        for (input, want) in [
            ("0", "0.00"),
            ("0.5", "0.50"),
            ("0.05", "0.05"),
            ("150", "150.00"),
            ("150.1", "150.10"),
            ("-12.34", "-12.34"),
            ("-0.07", "-0.07"),
            ("9999999.99", "9999999.99"),
        ] {
            let m = Money::parse(input).unwrap();
            assert_eq!(m.to_cents_string(), want);
            assert_eq!(m.to_cents_string(), format!("{:.2}", m.amount()));
        }
    }

    #[test]
    fn dollars_put_a_credit_sign_before_the_dollar_sign() {
        assert_eq!(Money::parse("150").unwrap().to_dollars(), "$150.00");
        assert_eq!(Money::parse("-35").unwrap().to_dollars(), "-$35.00");
        assert_eq!(Money::ZERO.to_dollars(), "$0.00");
    }

    #[test]
    fn parses_plain_amounts() {
        assert_eq!(Money::parse("150").unwrap().to_cents_string(), "150.00");
        assert_eq!(Money::parse("150.5").unwrap().to_x12(), "150.5");
        assert_eq!(Money::parse("150.50").unwrap().to_x12(), "150.5");
        assert_eq!(Money::parse("-12.25").unwrap().to_cents_string(), "-12.25");
        assert_eq!(Money::parse("0.00").unwrap().to_x12(), "0");
        assert_eq!(Money::parse("0.25").unwrap().to_x12(), "0.25");
    }

    #[test]
    fn refuses_what_a_float_or_a_spreadsheet_would_sneak_in() {
        for bad in [
            "$150", "1,500.00", "1e3", "150.", ".5", "", "-", "15 0", "NaN",
        ] {
            assert_eq!(Money::parse(bad), Err(MoneyError::Syntax), "{bad}");
        }
        assert_eq!(Money::parse("150.005"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse("10000000"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn x12_amounts_go_to_18_digits() {
        assert_eq!(Money::MAX_X12.to_string(), "9999999999999999.99");
        for ok in ["12000000.00", "-12000000", "9999999999999999.99", "150.5"] {
            let m = Money::parse_x12(ok).unwrap();
            assert_eq!(
                m.amount(),
                Decimal::from_str(ok).unwrap().normalize(),
                "{ok}"
            );
        }
        assert_eq!(
            Money::parse_x12("12000000.00").unwrap().to_cents_string(),
            "12000000.00"
        );
        assert_eq!(
            Money::parse_x12("10000000000000000"),
            Err(MoneyError::TooLargeForX12)
        );
        assert_eq!(
            Money::parse_x12("12000000.005"),
            Err(MoneyError::TooPrecise)
        );
        assert_eq!(Money::parse_x12("1,200"), Err(MoneyError::Syntax));
        // ecm's own inputs keep their limit.
        assert_eq!(Money::parse("12000000"), Err(MoneyError::TooLarge));
    }

    /// Every form of the X12 decimal reads, as the checker accepts it: a leading point (which
    /// the guides prefer to a leading zero) with or without a minus. A whole number with its
    /// point is refused with its own error; ecm's own inputs stay strict.
    #[test]
    fn x12_amounts_take_every_form_of_the_x12_decimal() {
        for (text, cents) in [
            (".5", "0.50"),
            ("-.5", "-0.50"),
            (".05", "0.05"),
            ("0.5", "0.50"),
            ("00.50", "0.50"),
            ("-0", "0.00"),
            ("30", "30.00"),
        ] {
            assert!(is_x12_decimal(text), "{text}");
            let m = Money::parse_x12(text).unwrap();
            assert_eq!(m.to_cents_string(), cents, "{text}");
        }
        assert_eq!(
            Money::parse_x12(".5").unwrap(),
            Money::parse("0.5").unwrap()
        );
        assert_eq!(Money::parse_x12("30."), Err(MoneyError::PointLast));
        assert_eq!(Money::parse_x12("-30."), Err(MoneyError::PointLast));
        for bad in [
            "+5", ".", "-.", "-", "", "1e3", "1_000", " 5", "5 ", "1.2.3", "..5",
        ] {
            assert!(!is_x12_decimal(bad), "{bad}");
            assert_eq!(Money::parse_x12(bad), Err(MoneyError::Syntax), "{bad}");
        }
        assert_eq!(Money::parse_x12(".005"), Err(MoneyError::TooPrecise));
        assert_eq!(
            parse_x12_decimal("-.25").unwrap(),
            Decimal::from_str("-0.25").unwrap()
        );
        assert_eq!(Money::parse(".5"), Err(MoneyError::Syntax));
        assert_eq!(Money::parse("150."), Err(MoneyError::Syntax));
    }

    #[test]
    fn rounds_half_up_to_the_cent() {
        let d = Decimal::from_str("10.005").unwrap();
        assert_eq!(Money::round_half_up(d).to_cents_string(), "10.01");
        let d = Decimal::from_str("-10.005").unwrap();
        assert_eq!(Money::round_half_up(d).to_cents_string(), "-10.01");
    }

    #[test]
    fn arithmetic_is_exact() {
        let total: Money = (0..10).map(|_| Money::parse("0.10").unwrap()).sum();
        assert_eq!(total, Money::parse("1").unwrap());
        assert_eq!(Money::parse("75.25").unwrap().times(3).to_x12(), "225.75");
    }
}
