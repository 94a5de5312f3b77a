//! A grouped bar chart as inline SVG: for each label, one bar per series. No script, no fonts to
//! fetch, no floating point: heights are computed in decimals and written with one decimal place.

use super::html::escape;
use crate::model::Money;
use rust_decimal::Decimal;
use std::fmt::Write;

/// One series: a name, a CSS fill colour and one value per label.
pub struct Series<'a> {
    pub name: &'a str,
    pub fill: &'a str,
    pub values: Vec<Money>,
}

const PLOT_H: i64 = 220;
const LEFT: i64 = 90;
const TOP: i64 = 30;
const BAR_W: i64 = 16;
const GAP: i64 = 18;
/// Room per legend entry: the swatch, a gap and a name of up to about 12 characters.
const LEGEND_STEP: i64 = 100;

/// The chart. Negative values are drawn as zero-height bars; every bar carries a `<title>` with
/// its exact amount.
pub fn grouped_bars(title: &str, labels: &[String], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter())
        .map(|m| m.amount())
        .max()
        .unwrap_or(Decimal::ZERO)
        .max(Decimal::ONE);
    let group_w = BAR_W * series.len() as i64 + GAP;
    // Wide enough for the bars and for the legend under them, however few months there are.
    let width = (LEFT + group_w * labels.len().max(1) as i64 + 20)
        .max(LEFT + LEGEND_STEP * series.len() as i64 + 10);
    let height = TOP + PLOT_H + 60;
    let base = TOP + PLOT_H;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="11">"#,
        t = escape(title)
    );
    let _ = write!(s, "<title>{}</title>", escape(title));
    // Axis and three gridlines: 0, half, max.
    for (i, frac) in [Decimal::ZERO, Decimal::new(5, 1), Decimal::ONE]
        .iter()
        .enumerate()
    {
        let y = base - scale(*frac * Decimal::from(PLOT_H), Decimal::ONE);
        let value = Money::round_half_up(max * frac);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="1"/><text x="{tx}" y="{ty}" text-anchor="end">{v}</text>"##,
            x2 = width - 10,
            c = if i == 0 { "#333" } else { "#ddd" },
            tx = LEFT - 6,
            ty = y + 4,
            v = value
        );
    }
    for (g, label) in labels.iter().enumerate() {
        let x0 = LEFT + GAP / 2 + group_w * g as i64;
        for (k, ser) in series.iter().enumerate() {
            let v = ser.values.get(g).copied().unwrap_or(Money::ZERO);
            let h = if v.is_negative() {
                Decimal::ZERO
            } else {
                v.amount() * Decimal::from(PLOT_H) / max
            };
            let h = h.round_dp(1);
            let x = x0 + BAR_W * k as i64;
            let _ = write!(
                s,
                r#"<rect class="bar" x="{x}" y="{y:.1}" width="{w}" height="{h:.1}" fill="{f}"><title>{l} {n}: {v}</title></rect>"#,
                y = Decimal::from(base) - h,
                w = BAR_W - 2,
                f = ser.fill,
                l = escape(label),
                n = escape(ser.name),
            );
        }
        let _ = write!(
            s,
            r#"<text x="{x}" y="{y}" text-anchor="middle">{l}</text>"#,
            x = x0 + BAR_W * series.len() as i64 / 2,
            y = base + 16,
            l = escape(label)
        );
    }
    // Legend.
    for (k, ser) in series.iter().enumerate() {
        let x = LEFT + LEGEND_STEP * k as i64;
        let y = base + 36;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{f}"/><text x="{tx}" y="{ty}">{n}</text>"#,
            f = ser.fill,
            tx = x + 18,
            ty = y + 10,
            n = escape(ser.name)
        );
    }
    s.push_str("</svg>");
    s
}

fn scale(v: Decimal, by: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (v * by).round().to_i64().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_month_leaves_room_for_the_whole_legend() {
        let m = |s: &str| Money::parse(s).unwrap();
        let series = |name, v: &str| Series {
            name,
            fill: "#235",
            values: vec![m(v)],
        };
        let svg = grouped_bars(
            "t",
            &["2025-01".into()],
            &[series("expected", "10.00"), series("paid", "12.00")],
        );
        let width: i64 = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|w| w.parse().ok())
            .unwrap();
        // The last legend name starts at its x and needs about 6 px a character.
        let last_x: i64 = svg
            .rsplit("<text x=\"")
            .next()
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse().ok())
            .unwrap();
        assert!(svg.ends_with(">paid</text></svg>"), "{svg}");
        assert!(
            last_x + 6 * "paid".len() as i64 <= width,
            "{last_x} in {width}"
        );
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let m = |s: &str| Money::parse(s).unwrap();
        let svg = grouped_bars(
            "t",
            &["2025-01".into(), "2025-02".into()],
            &[
                Series {
                    name: "expected",
                    fill: "#235",
                    values: vec![m("100.00"), m("50.00")],
                },
                Series {
                    name: "paid",
                    fill: "#9bd",
                    values: vec![m("-10.00"), m("25.00")],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("class=\"bar\"").count(), 4);
        assert!(svg.contains(r#"height="220.0""#), "{svg}");
        assert!(svg.contains(r#"height="110.0""#));
        assert!(svg.contains(r#"height="55.0""#));
        assert!(svg.contains(r#"height="0.0""#));
    }
}
