//! Grouped bars with interval whiskers: the sensitivity indices of each parameter (Sobol'
//! S1 and ST, or Morris μ* and σ), one group per parameter, one bar per index, told apart by
//! fill (dark and light, which survive a grey printout) and named in a legend.

use std::fmt::Write;

use super::axis::{self, Frame, Scale};
use super::{coord, escape, line, text};

/// One bar: its value and interval (NaN where undefined).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub y_name: String,
    /// The names of the bars of a group (`S1`, `ST`).
    pub bar_names: Vec<String>,
    /// The groups: a category and its bars, in `bar_names` order.
    pub groups: Vec<(String, Vec<Bar>)>,
    pub width: f64,
    pub height: f64,
}

const FILLS: [&str; 3] = ["#333333", "#bbbbbb", "#ffffff"];

impl BarChart {
    pub fn render(&self) -> String {
        let f = Frame::new(self.width, self.height, 58.0, 1);
        let (lo, hi) = self
            .groups
            .iter()
            .flat_map(|(_, bars)| bars.iter().flat_map(|b| [b.value, b.low, b.high]))
            .filter(|v| v.is_finite())
            .fold((0.0f64, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let ys = Scale::new(
            lo,
            if hi.is_finite() { hi } else { 1.0 },
            5,
            f.bottom,
            f.top,
        );
        let mut out = String::new();
        super::open(&mut out, "bars", f.width, f.height, &self.title);
        axis::title(&mut out, &f, &self.title);
        axis::y_axis(&mut out, &f, &ys, &self.y_name);
        let group_w = (f.right - f.left) / self.groups.len().max(1) as f64;
        let nb = self.bar_names.len().max(1) as f64;
        let bar_w = (group_w * 0.7 / nb).min(40.0);
        let zero = ys.px(0.0);
        for (g, (name, bars)) in self.groups.iter().enumerate() {
            let centre = f.left + group_w * (g as f64 + 0.5);
            let _ = write!(out, r#"<g class="group" data-label="{}">"#, escape(name));
            for (k, b) in bars.iter().enumerate() {
                let x = centre + bar_w * (k as f64 - nb / 2.0);
                if b.value.is_finite() {
                    let y = ys.px(b.value);
                    let _ = write!(
                        out,
                        r##"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#000"><title>{}: {}</title></rect>"##,
                        coord(x),
                        coord(y.min(zero)),
                        coord(bar_w),
                        coord((y - zero).abs()),
                        FILLS[k % FILLS.len()],
                        escape(self.bar_names.get(k).map_or("", String::as_str)),
                        b.value
                    );
                }
                if b.low.is_finite() && b.high.is_finite() {
                    let mid = x + bar_w / 2.0;
                    let attrs = r##"class="whisker" stroke="#000" stroke-width="1.3""##;
                    line(&mut out, (mid, ys.px(b.low)), (mid, ys.px(b.high)), attrs);
                    for v in [b.low, b.high] {
                        line(
                            &mut out,
                            (mid - 4.0, ys.px(v)),
                            (mid + 4.0, ys.px(v)),
                            attrs,
                        );
                    }
                }
            }
            text(
                &mut out,
                centre,
                f.bottom + 16.0,
                "middle",
                r#" class="tick""#,
                name,
            );
            out.push_str("</g>");
        }
        line(
            &mut out,
            (f.left, zero),
            (f.right, zero),
            r##"stroke="#333""##,
        );
        text(
            &mut out,
            (f.left + f.right) / 2.0,
            f.height - 6.0,
            "middle",
            "",
            "parameter",
        );
        out.push_str(r#"<g class="legend">"#);
        for (k, name) in self.bar_names.iter().enumerate() {
            let x = f.left + 110.0 * k as f64;
            let _ = write!(
                out,
                r##"<rect x="{}" y="28" width="14" height="10" fill="{}" stroke="#000"/>"##,
                coord(x),
                FILLS[k % FILLS.len()]
            );
            text(&mut out, x + 19.0, 37.0, "start", "", name);
        }
        out.push_str("</g></svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stand_on_zero_and_whiskers_span_the_interval() {
        let chart = BarChart {
            title: "Sobol'".into(),
            y_name: "index".into(),
            bar_names: vec!["S1".into(), "ST".into()],
            groups: vec![
                (
                    "a".into(),
                    vec![
                        Bar {
                            value: 0.5,
                            low: 0.4,
                            high: 0.6,
                        },
                        Bar {
                            value: 0.7,
                            low: f64::NAN,
                            high: f64::NAN,
                        },
                    ],
                ),
                (
                    "b".into(),
                    vec![
                        Bar {
                            value: f64::NAN,
                            low: f64::NAN,
                            high: f64::NAN,
                        },
                        Bar {
                            value: -0.1,
                            low: -0.2,
                            high: 0.0,
                        },
                    ],
                ),
            ],
            width: 500.0,
            height: 300.0,
        };
        let svg = chart.render();
        assert_eq!(
            svg.matches(r#"class="bar""#).count(),
            3,
            "an undefined index has no bar"
        );
        assert_eq!(svg.matches(r#"class="whisker""#).count(), 6);
        assert_eq!(svg.matches(r#"class="group""#).count(), 2);
        assert!(svg.contains("<title>ST: -0.1</title>"));
    }
}
