//! Curves over weeks: each series a mean line with its 95 % band (a polygon along the upper
//! bound and back along the lower), markers along the line so that series stay apart in grey,
//! and the scenario's timeline drawn on the time axis: a dashed rule at each policy's week, a
//! shaded span over each shock's weeks, each labelled (`P1`, `S1`) and carrying its week in a
//! `data-week` attribute.

use std::fmt::Write;

use super::axis::{self, Frame, Legend, Scale};
use super::{coord, escape, line, marker, text};

/// One curve: a value per x, and optionally its interval (NaN where undefined).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub label: String,
    pub x: Vec<f64>,
    pub mean: Vec<f64>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// What a marker on the time axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Policy,
    Shock,
}

/// A policy or shock on the time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMark {
    pub kind: MarkKind,
    /// Its short label on the chart (`P1`).
    pub label: String,
    /// What it does (the tooltip).
    pub title: String,
    pub week: f64,
    /// A shock's length; 0 for a policy.
    pub weeks: f64,
}

/// A line chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub series: Vec<Series>,
    pub marks: Vec<TimeMark>,
    /// The least value the data can take (0 for counts): the axis starts there and a band
    /// is drawn no lower (a t interval of a small count can reach below zero).
    pub floor: Option<f64>,
    pub width: f64,
    pub height: f64,
}

/// The band's polygon: along the upper bound, then back along the lower; `None` where fewer
/// than two points of the run are defined. Undefined points split the band into runs.
pub fn band_polygons(s: &Series, xs: &Scale, ys: &Scale) -> Vec<String> {
    let defined = |i: usize| s.low[i].is_finite() && s.high[i].is_finite();
    let mut polygons = Vec::new();
    let mut i = 0;
    let n = s.x.len().min(s.low.len()).min(s.high.len());
    while i < n {
        if !defined(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && defined(i) {
            i += 1;
        }
        if i - start < 2 {
            continue;
        }
        let upper = (start..i).map(|k| (s.x[k], s.high[k]));
        let lower = (start..i).rev().map(|k| (s.x[k], s.low[k]));
        let points: Vec<String> = upper
            .chain(lower)
            .map(|(x, y)| format!("{},{}", coord(xs.px(x)), coord(ys.px(y))))
            .collect();
        polygons.push(points.join(" "));
    }
    polygons
}

/// The mean line as a path; undefined points break it.
fn line_path(s: &Series, xs: &Scale, ys: &Scale) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in s.x.iter().zip(&s.mean) {
        if !y.is_finite() {
            pen_down = false;
            continue;
        }
        let _ = write!(
            d,
            "{}{},{}",
            if pen_down { "L" } else { "M" },
            coord(xs.px(*x)),
            coord(ys.px(*y))
        );
        pen_down = true;
    }
    d
}

fn y_range(series: &[Series], floor: Option<f64>) -> (f64, f64) {
    let mut lo: f64 = 0.0;
    let mut hi = f64::NEG_INFINITY;
    for s in series {
        for v in s.mean.iter().chain(&s.low).chain(&s.high) {
            if v.is_finite() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
    }
    (
        floor.map_or(lo, |f| lo.max(f)),
        if hi.is_finite() { hi } else { 1.0 },
    )
}

impl LineChart {
    /// The chart as an SVG element.
    pub fn render(&self) -> String {
        let legend = Legend::new(
            self.series.iter().map(|s| s.label.clone()).collect(),
            self.width,
        );
        let styles = &legend.styles;
        let f = Frame::new(self.width, self.height, 58.0, legend.rows);
        let x_hi = self
            .series
            .iter()
            .flat_map(|s| s.x.last().copied())
            .fold(1.0, f64::max);
        let xs = Scale::exact(0.0, x_hi, 6, f.left, f.right);
        let (lo, hi) = y_range(&self.series, self.floor);
        let ys = Scale::new(lo, hi, 5, f.bottom, f.top);
        let floored: Vec<Series> = self
            .series
            .iter()
            .map(|s| Series {
                low: s
                    .low
                    .iter()
                    .map(|v| self.floor.map_or(*v, |f| v.max(f)))
                    .collect(),
                ..s.clone()
            })
            .collect();
        let mut out = String::new();
        super::open(&mut out, "lines", f.width, f.height, &self.title);
        axis::title(&mut out, &f, &self.title);
        axis::y_axis(&mut out, &f, &ys, &self.y_name);
        self.draw_marks(&mut out, &f, &xs);
        for (s, st) in floored.iter().zip(styles) {
            for points in band_polygons(s, &xs, &ys) {
                let _ = write!(
                    out,
                    r#"<polygon class="band" points="{points}" fill="{}" fill-opacity="0.18"/>"#,
                    st.color
                );
            }
        }
        for (s, st) in self.series.iter().zip(styles) {
            let dash = st.dash_attr();
            let _ = write!(
                out,
                r#"<path class="series" data-label="{}" d="{}" fill="none" stroke="{}" stroke-width="1.6"{dash}/>"#,
                escape(&s.label),
                line_path(s, &xs, &ys),
                st.color
            );
            // About eight markers along each line, offset per series so they do not stack.
            let every = (s.x.len() / 8).max(1);
            let offset = (every * styles.iter().position(|x| x == st).unwrap_or(0)) / 4;
            for k in (offset.min(s.x.len().saturating_sub(1))..s.x.len()).step_by(every) {
                if s.mean[k].is_finite() {
                    marker(
                        &mut out,
                        st.marker,
                        xs.px(s.x[k]),
                        ys.px(s.mean[k]),
                        3.0,
                        st.color,
                    );
                }
            }
        }
        axis::x_axis(&mut out, &f, &xs, None, &self.x_name);
        legend.draw(&mut out, &f);
        out.push_str("</svg>");
        out
    }

    fn draw_marks(&self, out: &mut String, f: &Frame, xs: &Scale) {
        for m in &self.marks {
            if m.week > xs.hi {
                continue;
            }
            let x = xs.px(m.week);
            let _ = write!(
                out,
                r#"<g class="{}" data-week="{}"><title>{}</title>"#,
                match m.kind {
                    MarkKind::Policy => "policy",
                    MarkKind::Shock => "shock",
                },
                m.week,
                escape(&m.title)
            );
            match m.kind {
                MarkKind::Policy => line(
                    out,
                    (x, f.top),
                    (x, f.bottom),
                    r##"stroke="#555" stroke-dasharray="3 3""##,
                ),
                MarkKind::Shock => {
                    let end = xs.px((m.week + m.weeks).min(xs.hi));
                    let _ = write!(
                        out,
                        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#000" fill-opacity="0.08"/>"##,
                        coord(x),
                        coord(f.top),
                        coord((end - x).max(1.0)),
                        coord(f.bottom - f.top)
                    );
                }
            }
            text(
                out,
                x + 2.0,
                f.top + 10.0,
                "start",
                r##" font-size="10" fill="#333""##,
                &m.label,
            );
            out.push_str("</g>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Series {
        Series {
            label: "a".into(),
            x: vec![0.0, 1.0, 2.0, 3.0],
            mean: vec![1.0, 2.0, 3.0, 4.0],
            low: vec![0.5, 1.5, f64::NAN, 3.5],
            high: vec![1.5, 2.5, f64::NAN, 4.5],
        }
    }

    #[test]
    fn the_band_goes_up_along_the_high_bound_and_back_along_the_low() {
        let s = Series {
            low: vec![0.5, 1.5, 2.5, 3.5],
            high: vec![1.5, 2.5, 3.5, 4.5],
            ..series()
        };
        let xs = Scale::new(0.0, 3.0, 3, 0.0, 30.0);
        let ys = Scale::new(0.0, 10.0, 5, 100.0, 0.0);
        let polys = band_polygons(&s, &xs, &ys);
        assert_eq!(polys.len(), 1);
        let points: Vec<&str> = polys[0].split(' ').collect();
        assert_eq!(points.len(), 8);
        assert_eq!(points[0], "0,85");
        assert_eq!(points[3], "30,55");
        assert_eq!(points[4], "30,65");
        assert_eq!(points[7], "0,95");
    }

    #[test]
    fn a_floor_keeps_the_band_and_the_axis_at_zero() {
        let s = Series {
            low: vec![-0.5, 1.5, 2.5, 3.5],
            high: vec![1.5, 2.5, 3.5, 4.5],
            ..series()
        };
        let chart = |floor| LineChart {
            series: vec![s.clone()],
            floor,
            width: 400.0,
            height: 240.0,
            ..LineChart::default()
        };
        let floored = chart(Some(0.0)).render();
        assert!(!floored.contains(r#"class="tick">-"#), "no negative tick");
        assert!(chart(None).render().contains(r#"class="tick">-"#));
    }

    #[test]
    fn an_undefined_point_splits_the_band_and_a_lone_point_has_none() {
        let xs = Scale::new(0.0, 3.0, 3, 0.0, 30.0);
        let ys = Scale::new(0.0, 10.0, 5, 100.0, 0.0);
        let polys = band_polygons(&series(), &xs, &ys);
        assert_eq!(polys.len(), 1, "0..2 is a band, 3 alone is not");
        assert_eq!(polys[0].split(' ').count(), 4);
    }

    #[test]
    fn policies_are_rules_at_their_week_and_shocks_span_theirs() {
        let chart = LineChart {
            title: "T <1>".into(),
            x_name: "week".into(),
            y_name: "persons".into(),
            series: vec![series()],
            marks: vec![
                TimeMark {
                    kind: MarkKind::Policy,
                    label: "P1".into(),
                    title: "more police".into(),
                    week: 2.0,
                    weeks: 0.0,
                },
                TimeMark {
                    kind: MarkKind::Shock,
                    label: "S1".into(),
                    title: "drought".into(),
                    week: 1.0,
                    weeks: 1.0,
                },
            ],
            floor: None,
            width: 400.0,
            height: 240.0,
        };
        let svg = chart.render();
        assert!(svg.contains("<title>T &lt;1&gt;</title>"));
        assert!(svg.contains(r#"<g class="policy" data-week="2"><title>more police</title>"#));
        assert!(svg.contains(r#"<g class="shock" data-week="1">"#));
        // The x scale runs 0..3 (the last week) over the plot area 58..386: week 2 at
        // 58 + 2/3 of 328.
        let x = coord(58.0 + 2.0 / 3.0 * 328.0);
        assert!(
            svg.contains(&format!(r#"<line x1="{x}" y1="30" x2="{x}""#)),
            "{svg}"
        );
        assert_eq!(svg.matches(r#"class="band""#).count(), 1);
        assert_eq!(svg.matches(r#"class="series""#).count(), 1);
    }
}
