//! Estimates with their 95 % intervals: an outcome against a parameter (a point per value
//! with its whisker, one series per value of a second parameter, joined when the values are
//! a grid) and the forest plot of a comparison (one row per outcome, the interval as a
//! horizontal whisker around its mean, a rule at zero difference).

use std::fmt::Write;

use super::axis::{self, Frame, Legend, Scale};
use super::{coord, escape, line, marker, text};

/// One estimate: a mean and its interval (NaN where undefined).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub x: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// A named set of estimates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointSeries {
    pub label: String,
    pub points: Vec<Estimate>,
}

/// Beyond this many points a chart draws means only (see [`ErrorBarChart::render`]).
pub const DENSE: usize = 200;

/// Estimates against a numeric x.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorBarChart {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub series: Vec<PointSeries>,
    /// Join each series' points in x order (a grid); leave them apart (a sample).
    pub joined: bool,
    /// Labels of the x values 0, 1, 2, … (the points of a list design), in place of numbers.
    pub x_labels: Option<Vec<String>>,
    pub width: f64,
    pub height: f64,
}

fn finite(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

impl ErrorBarChart {
    pub fn render(&self) -> String {
        let legend = Legend::new(
            self.series.iter().map(|s| s.label.clone()).collect(),
            self.width,
        );
        let styles = &legend.styles;
        let f = Frame::new(self.width, self.height, 62.0, legend.rows);
        let all = || self.series.iter().flat_map(|s| s.points.iter());
        let (x_lo, x_hi) = finite(all().map(|p| p.x));
        let dense = all().count() > DENSE;
        let (y_lo, y_hi) = if dense {
            finite(all().map(|p| p.mean))
        } else {
            finite(all().flat_map(|p| [p.mean, p.low, p.high]))
        };
        // A little room at both ends, so that the outermost whiskers are not on the frame.
        let pad = (x_hi - x_lo).abs() * 0.04;
        let xs = Scale::exact(x_lo - pad, x_hi + pad, 5, f.left, f.right);
        let ys = Scale::new(y_lo.min(0.0), y_hi, 5, f.bottom, f.top);
        let mut out = String::new();
        super::open(&mut out, "errorbars", f.width, f.height, &self.title);
        axis::title(&mut out, &f, &self.title);
        axis::y_axis(&mut out, &f, &ys, &self.y_name);
        for (s, st) in self.series.iter().zip(styles) {
            let mut pts: Vec<&Estimate> = s.points.iter().filter(|p| p.mean.is_finite()).collect();
            pts.sort_by(|a, b| a.x.total_cmp(&b.x));
            let _ = write!(
                out,
                r#"<g class="series" data-label="{}">"#,
                escape(&s.label)
            );
            if self.joined && pts.len() > 1 {
                let d: Vec<String> = pts
                    .iter()
                    .map(|p| format!("{},{}", coord(xs.px(p.x)), coord(ys.px(p.mean))))
                    .collect();
                let _ = write!(
                    out,
                    r#"<path d="M{}" fill="none" stroke="{}" stroke-width="1.4"{}/>"#,
                    d.join("L"),
                    st.color,
                    st.dash_attr()
                );
            }
            if dense {
                // Hundreds of points (a sampled design): one path of small squares, no
                // whiskers, so that a page of such charts stays a few megabytes.
                let d: String = pts
                    .iter()
                    .map(|p| {
                        format!(
                            "M{},{}h3v3h-3z",
                            coord(xs.px(p.x) - 1.5),
                            coord(ys.px(p.mean) - 1.5)
                        )
                    })
                    .collect();
                let _ = write!(out, r#"<path class="dense" d="{d}" fill="{}"/>"#, st.color);
            }
            for p in pts.iter().filter(|_| !dense) {
                let x = xs.px(p.x);
                if p.low.is_finite() && p.high.is_finite() {
                    let attrs = format!(r#"class="whisker" stroke="{}""#, st.color);
                    line(&mut out, (x, ys.px(p.low)), (x, ys.px(p.high)), &attrs);
                    for y in [p.low, p.high] {
                        line(&mut out, (x - 3.0, ys.px(y)), (x + 3.0, ys.px(y)), &attrs);
                    }
                }
                marker(&mut out, st.marker, x, ys.px(p.mean), 3.2, st.color);
            }
            out.push_str("</g>");
        }
        match &self.x_labels {
            Some(labels) => {
                // One tick per labelled value, whatever the scale's own step.
                let xs = xs.with_step(1.0);
                let shown: Vec<String> = xs
                    .ticks()
                    .iter()
                    .map(|v| labels.get(*v as usize).cloned().unwrap_or_default())
                    .collect();
                axis::x_axis(&mut out, &f, &xs, Some(&shown), &self.x_name);
            }
            None => axis::x_axis(&mut out, &f, &xs, None, &self.x_name),
        }
        legend.draw(&mut out, &f);
        out.push_str("</svg>");
        out
    }
}

/// One row of a forest plot.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// A forest plot: rows of estimates on one horizontal axis, a rule at zero.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForestPlot {
    pub title: String,
    pub x_name: String,
    pub rows: Vec<ForestRow>,
    pub width: f64,
}

/// The height of one row of a forest plot, px.
pub const FOREST_ROW: f64 = 20.0;

impl ForestPlot {
    /// The axis covers every mean, and the intervals unless a few are far wider than the
    /// rest (a rare count with a small base): the axis then stops at the third quartile of
    /// the interval ends' magnitudes (or 1.25 × the largest mean), and the wider intervals
    /// run off it with an arrowhead, so that one row cannot squash all the others.
    fn axis_range(&self) -> (f64, f64) {
        let (lo, hi) = finite(self.rows.iter().flat_map(|r| [r.mean, r.low, r.high]));
        let mut ends: Vec<f64> = self
            .rows
            .iter()
            .flat_map(|r| [r.low.abs(), r.high.abs()])
            .filter(|v| v.is_finite())
            .collect();
        ends.sort_by(f64::total_cmp);
        let largest_mean = self
            .rows
            .iter()
            .map(|r| r.mean.abs())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let limit = ends
            .get(ends.len() * 3 / 4)
            .copied()
            .unwrap_or(0.0)
            .max(largest_mean * 1.25);
        if limit > 0.0 {
            (lo.max(-limit), hi.min(limit))
        } else {
            (lo, hi)
        }
    }

    pub fn render(&self) -> String {
        let height = 30.0 + 12.0 + FOREST_ROW * self.rows.len() as f64 + 44.0;
        let mut f = Frame::new(self.width, height, 250.0, 0);
        f.top = 42.0;
        let (lo, hi) = self.axis_range();
        let xs = Scale::new(lo.min(0.0), hi.max(0.0), 6, f.left, f.right);
        let mut out = String::new();
        super::open(&mut out, "forest", f.width, height, &self.title);
        axis::title(&mut out, &f, &self.title);
        for v in xs.ticks() {
            let x = xs.px(v);
            line(&mut out, (x, f.top), (x, f.bottom), r##"stroke="#eee""##);
        }
        let zero = xs.px(0.0);
        line(
            &mut out,
            (zero, f.top - 4.0),
            (zero, f.bottom),
            r##"class="zero" stroke="#555" stroke-dasharray="4 3""##,
        );
        for (k, r) in self.rows.iter().enumerate() {
            let y = f.top + FOREST_ROW * (k as f64 + 0.5);
            let _ = write!(out, r#"<g class="row" data-label="{}">"#, escape(&r.label));
            text(&mut out, f.left - 8.0, y + 4.0, "end", "", &r.label);
            if r.low.is_finite() && r.high.is_finite() {
                let (a, b) = (xs.px(r.low.max(xs.lo)), xs.px(r.high.min(xs.hi)));
                line(
                    &mut out,
                    (a, y),
                    (b, y),
                    r##"class="whisker" stroke="#000" stroke-width="1.5""##,
                );
                // A cap at each end inside the axis, an arrowhead where the interval goes on.
                for (x, clipped, dir) in [(a, r.low < xs.lo, -1.0), (b, r.high > xs.hi, 1.0)] {
                    if clipped {
                        let _ = write!(
                            out,
                            r##"<polygon class="clipped" points="{},{} {},{} {},{}" fill="#000"/>"##,
                            coord(x + 6.0 * dir),
                            coord(y),
                            coord(x),
                            coord(y - 4.0),
                            coord(x),
                            coord(y + 4.0)
                        );
                    } else {
                        line(&mut out, (x, y - 4.0), (x, y + 4.0), r##"stroke="#000""##);
                    }
                }
            }
            if r.mean.is_finite() {
                // Filled when the interval excludes zero, hollow when it does not: the
                // difference that is "clear" reads without colour.
                let clear = r.low > 0.0 || r.high < 0.0;
                let _ = write!(
                    out,
                    r##"<rect class="estimate" x="{}" y="{}" width="8" height="8" fill="{}" stroke="#000"/>"##,
                    coord(xs.px(r.mean) - 4.0),
                    coord(y - 4.0),
                    if clear { "#000" } else { "#fff" }
                );
            }
            out.push_str("</g>");
        }
        axis::x_axis(&mut out, &f, &xs, None, &self.x_name);
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defined_point_has_a_marker_and_a_whisker_with_two_caps() {
        let chart = ErrorBarChart {
            title: "t".into(),
            x_name: "x".into(),
            y_name: "y".into(),
            series: vec![PointSeries {
                label: "s".into(),
                points: vec![
                    Estimate {
                        x: 0.0,
                        mean: 1.0,
                        low: 0.5,
                        high: 1.5,
                    },
                    Estimate {
                        x: 1.0,
                        mean: 2.0,
                        low: f64::NAN,
                        high: f64::NAN,
                    },
                    Estimate {
                        x: 2.0,
                        mean: f64::NAN,
                        low: f64::NAN,
                        high: f64::NAN,
                    },
                ],
            }],
            joined: true,
            x_labels: None,
            width: 400.0,
            height: 240.0,
        };
        let svg = chart.render();
        assert_eq!(svg.matches(r#"class="whisker""#).count(), 3);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("<path d=\"M").count(), 1);
    }

    #[test]
    fn hundreds_of_points_are_one_path_of_means_and_labels_replace_numbers() {
        let points = (0..=DENSE)
            .map(|k| Estimate {
                x: k as f64,
                mean: 1.0,
                low: 0.0,
                high: 2.0,
            })
            .collect();
        let mut chart = ErrorBarChart {
            series: vec![PointSeries {
                label: "s".into(),
                points,
            }],
            width: 400.0,
            height: 240.0,
            ..ErrorBarChart::default()
        };
        let svg = chart.render();
        assert_eq!(svg.matches(r#"class="dense""#).count(), 1);
        assert_eq!(svg.matches("h3v3h-3z").count(), DENSE + 1);
        assert!(!svg.contains("whisker"));
        chart.series[0].points.truncate(3);
        chart.x_labels = Some(vec!["first".into(), "second".into(), "third".into()]);
        let svg = chart.render();
        for label in ["first", "second", "third"] {
            assert!(
                svg.contains(&format!(r#"class="tick">{label}</text>"#)),
                "{label}"
            );
        }
    }

    #[test]
    fn a_forest_row_is_filled_only_when_its_interval_excludes_zero() {
        let plot = ForestPlot {
            title: "B − A".into(),
            x_name: "% of A".into(),
            rows: vec![
                ForestRow {
                    label: "up".into(),
                    mean: 2.0,
                    low: 1.0,
                    high: 3.0,
                },
                ForestRow {
                    label: "unclear".into(),
                    mean: 1.0,
                    low: -1.0,
                    high: 3.0,
                },
            ],
            width: 700.0,
        };
        let svg = plot.render();
        assert_eq!(svg.matches(r#"class="row""#).count(), 2);
        assert_eq!(svg.matches(r##"fill="#000" stroke="#000""##).count(), 1);
        assert_eq!(svg.matches(r##"fill="#fff" stroke="#000""##).count(), 1);
        assert!(svg.contains(r#"class="zero""#));
        assert!(!svg.contains("clipped"));
    }

    #[test]
    fn one_far_wider_interval_runs_off_the_axis_with_an_arrowhead() {
        let mut rows: Vec<ForestRow> = (0..8)
            .map(|k| ForestRow {
                label: format!("r{k}"),
                mean: 1.0,
                low: 0.5,
                high: 1.5,
            })
            .collect();
        rows.push(ForestRow {
            label: "wide".into(),
            mean: 2.0,
            low: -900.0,
            high: 1000.0,
        });
        let plot = ForestPlot {
            title: "t".into(),
            x_name: "x".into(),
            rows,
            width: 700.0,
        };
        let svg = plot.render();
        assert_eq!(svg.matches(r#"class="clipped""#).count(), 2);
        assert!(
            !svg.contains(">1000<"),
            "the axis stops well short of the wide interval"
        );
    }
}
