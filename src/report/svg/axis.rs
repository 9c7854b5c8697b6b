//! What every chart shares: a linear scale with "nice" ticks (steps of 1, 2 or 5 × 10^k), the
//! plot area inside its margins, the axes with their tick labels and titles (units in the
//! titles), the chart title and a legend that shows each series' dash and marker as well as
//! its colour.

use std::fmt::Write;

use super::{SeriesStyle, coord, line, marker, text};

/// A linear map from data values onto pixels, over a domain widened to whole ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    px_lo: f64,
    px_hi: f64,
}

/// A step of 1, 2 or 5 × 10^k close to `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

impl Scale {
    /// A scale covering `[lo, hi]` (widened to whole steps, about `ticks` of them) drawn
    /// from pixel `px_lo` to `px_hi` (for a vertical axis `px_lo` is the bottom).
    pub fn new(lo: f64, hi: f64, ticks: usize, px_lo: f64, px_hi: f64) -> Scale {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        if hi - lo < 1e-12 * hi.abs().max(1.0) {
            // One value: room around it, so that it sits inside the frame (and zero, the
            // value of a counter that never moved, at the bottom of 0..1).
            if lo == 0.0 {
                hi = 1.0;
            } else {
                let pad = lo.abs() * 0.5;
                lo -= pad;
                hi += pad;
            }
        }
        let step = nice_step((hi - lo) / ticks.max(1) as f64);
        Scale {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
            px_lo,
            px_hi,
        }
    }

    /// A scale over exactly `[lo, hi]` (weeks 0 to the last, a parameter's range), with nice
    /// ticks inside it.
    pub fn exact(lo: f64, hi: f64, ticks: usize, px_lo: f64, px_hi: f64) -> Scale {
        let nice = Scale::new(lo, hi, ticks, px_lo, px_hi);
        if lo.is_finite() && hi.is_finite() && lo < hi {
            Scale { lo, hi, ..nice }
        } else {
            nice
        }
    }

    /// The same scale with ticks every `step`.
    pub fn with_step(&self, step: f64) -> Scale {
        Scale {
            step,
            ..self.clone()
        }
    }

    /// The pixel of a value.
    pub fn px(&self, v: f64) -> f64 {
        self.px_lo + (v - self.lo) / (self.hi - self.lo) * (self.px_hi - self.px_lo)
    }

    /// The tick values: the multiples of the step from `lo` to `hi` inclusive.
    pub fn ticks(&self) -> Vec<f64> {
        let slack = 1e-9;
        let first = (self.lo / self.step - slack).ceil() as i64;
        let last = (self.hi / self.step + slack).floor() as i64;
        // k × step, not a running sum, so that no rounding residue accumulates.
        (first..=last).map(|k| k as f64 * self.step).collect()
    }

    /// A tick label: as many decimals as the step needs, thousands as `k` and millions as
    /// `M` from ten thousand on.
    pub fn label(&self, v: f64) -> String {
        format_tick(v, self.step)
    }
}

/// Formats a tick value `v` on an axis stepping by `step`.
pub fn format_tick(v: f64, step: f64) -> String {
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    for (unit, suffix, from) in [(1e6, "M", 1e6), (1e3, "k", 1e4)] {
        if v.abs() >= from && step >= unit / 10.0 {
            return format!("{}{suffix}", format_tick(v / unit, step / unit));
        }
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{v:.decimals$}")
}

/// The least height of a plot area, in pixels.
pub const MIN_PLOT_HEIGHT: f64 = 120.0;

/// The pixel frame of a chart: its size, and the plot area inside the margins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    /// A frame with room for a title and `legend_rows` rows of legend above the plot area,
    /// tick labels at the left and an axis title below. A long legend makes the chart taller
    /// rather than the plot shorter: the plot area keeps at least [`MIN_PLOT_HEIGHT`] pixels
    /// (several scenarios overlaid, each with six identification channels, take a dozen rows).
    pub fn new(width: f64, height: f64, left_margin: f64, legend_rows: usize) -> Frame {
        let top = 30.0 + 16.0 * legend_rows as f64;
        let height = height.max(top + MIN_PLOT_HEIGHT + 40.0);
        Frame {
            width,
            height,
            left: left_margin,
            right: width - 14.0,
            top,
            bottom: height - 40.0,
        }
    }
}

/// The title, centred at the top.
pub fn title(out: &mut String, f: &Frame, title: &str) {
    text(
        out,
        f.width / 2.0,
        18.0,
        "middle",
        r#" font-size="14" font-weight="bold" class="chart-title""#,
        title,
    );
}

/// The x axis along the bottom of the plot area: ticks, labels, and its title (with unit).
pub fn x_axis(out: &mut String, f: &Frame, s: &Scale, labels: Option<&[String]>, name: &str) {
    out.push_str(r#"<g class="x-axis">"#);
    line(
        out,
        (f.left, f.bottom),
        (f.right, f.bottom),
        r##"stroke="#333""##,
    );
    for (k, v) in s.ticks().into_iter().enumerate() {
        let x = s.px(v);
        line(
            out,
            (x, f.bottom),
            (x, f.bottom + 4.0),
            r##"stroke="#333""##,
        );
        let label = match labels {
            Some(l) => l.get(k).cloned().unwrap_or_default(),
            None => s.label(v),
        };
        text(
            out,
            x,
            f.bottom + 16.0,
            "middle",
            r#" class="tick""#,
            &label,
        );
    }
    text(
        out,
        (f.left + f.right) / 2.0,
        f.height - 6.0,
        "middle",
        "",
        name,
    );
    out.push_str("</g>");
}

/// The y axis at the left of the plot area, with light grid lines and its title turned up.
pub fn y_axis(out: &mut String, f: &Frame, s: &Scale, name: &str) {
    out.push_str(r#"<g class="y-axis">"#);
    for v in s.ticks() {
        let y = s.px(v);
        line(out, (f.left, y), (f.right, y), r##"stroke="#e4e4e4""##);
        text(
            out,
            f.left - 6.0,
            y + 4.0,
            "end",
            r#" class="tick""#,
            &s.label(v),
        );
    }
    line(
        out,
        (f.left, f.top),
        (f.left, f.bottom),
        r##"stroke="#333""##,
    );
    let (x, y) = (14.0, (f.top + f.bottom) / 2.0);
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle" transform="rotate(-90 {} {})">{}</text>"#,
        coord(x),
        coord(y),
        coord(x),
        coord(y),
        super::escape(name)
    );
    out.push_str("</g>");
}

/// The sample of one series as the legend and the chart draw it: a stroke of its dash and
/// its marker in the middle.
pub fn legend_sample(out: &mut String, x: f64, y: f64, st: &SeriesStyle) {
    line(
        out,
        (x, y),
        (x + 26.0, y),
        &format!(
            r#"stroke="{}" stroke-width="2"{}"#,
            st.color,
            st.dash_attr()
        ),
    );
    marker(out, st.marker, x + 13.0, y, 3.5, st.color);
}

/// How many legend rows `labels` take in a chart `width` px wide.
pub fn legend_rows(labels: &[String], width: f64) -> usize {
    legend_layout(labels, width)
        .last()
        .map_or(0, |&(_, row)| row + 1)
}

/// Where each legend entry goes: its x offset and its row.
fn legend_layout(labels: &[String], width: f64) -> Vec<(f64, usize)> {
    let (mut x, mut row) = (0.0, 0);
    labels
        .iter()
        .map(|l| {
            // About 7 px a character at 12 px, plus the sample and a gap.
            let w = 40.0 + 7.0 * l.chars().count() as f64;
            if x > 0.0 && x + w > width - 60.0 {
                x = 0.0;
                row += 1;
            }
            let at = (x, row);
            x += w;
            at
        })
        .collect()
}

/// The series of a chart as its legend shows them: a style each, and the rows of the legend
/// (none for a single series, which the title names).
pub struct Legend {
    pub styles: Vec<SeriesStyle>,
    labels: Vec<String>,
    pub rows: usize,
}

impl Legend {
    pub fn new(labels: Vec<String>, width: f64) -> Legend {
        let rows = if labels.len() > 1 {
            legend_rows(&labels, width)
        } else {
            0
        };
        Legend {
            styles: (0..labels.len()).map(super::style).collect(),
            labels,
            rows,
        }
    }

    /// Draws the legend under the title, when it has rows.
    pub fn draw(&self, out: &mut String, f: &Frame) {
        if self.rows > 0 {
            let entries: Vec<(String, SeriesStyle)> = self
                .labels
                .iter()
                .cloned()
                .zip(self.styles.iter().copied())
                .collect();
            legend(out, f, &entries);
        }
    }
}

/// The legend, in rows under the title.
pub fn legend(out: &mut String, f: &Frame, entries: &[(String, SeriesStyle)]) {
    let labels: Vec<String> = entries.iter().map(|(l, _)| l.clone()).collect();
    out.push_str(r#"<g class="legend">"#);
    for ((label, st), (x, row)) in entries.iter().zip(legend_layout(&labels, f.width)) {
        let (x, y) = (f.left + x, 34.0 + 16.0 * row as f64);
        legend_sample(out, x, y, st);
        text(out, x + 31.0, y + 4.0, "start", "", label);
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_legend_makes_the_chart_taller_not_the_plot_negative() {
        let f = Frame::new(460.0, 260.0, 58.0, 2);
        assert_eq!((f.height, f.top, f.bottom), (260.0, 62.0, 220.0));
        let f = Frame::new(460.0, 260.0, 58.0, 12);
        assert_eq!(f.top, 222.0);
        assert_eq!(f.bottom - f.top, MIN_PLOT_HEIGHT);
        assert_eq!(f.height, f.bottom + 40.0);
    }

    #[test]
    fn ticks_are_nice_and_cover_the_data() {
        let s = Scale::new(3.0, 97.0, 5, 0.0, 100.0);
        assert_eq!(s.ticks(), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let s = Scale::new(0.013, 0.268, 5, 0.0, 100.0);
        assert_eq!(s.step, 0.1);
        assert_eq!(s.ticks(), vec![0.0, 0.1, 0.2, 0.30000000000000004]);
        assert_eq!(s.label(0.30000000000000004), "0.3");
        let s = Scale::new(-7.0, 3.0, 4, 0.0, 100.0);
        assert!(s.lo <= -7.0 && s.hi >= 3.0);
        assert!(s.ticks().contains(&0.0));
    }

    #[test]
    fn an_exact_scale_keeps_its_ends_and_ticks_inside() {
        let s = Scale::exact(0.0, 329.0, 6, 0.0, 329.0);
        assert_eq!((s.lo, s.hi), (0.0, 329.0));
        assert_eq!(s.ticks(), vec![0.0, 100.0, 200.0, 300.0]);
        assert_eq!(s.px(329.0), 329.0);
        let p = Scale::exact(-0.04, 1.04, 5, 0.0, 100.0);
        assert_eq!(p.ticks().first(), Some(&0.0));
        assert_eq!(p.ticks().last(), Some(&1.0));
    }

    #[test]
    fn a_single_value_gets_a_frame_around_it() {
        let s = Scale::new(5.0, 5.0, 5, 0.0, 100.0);
        assert!(s.lo < 5.0 && s.hi > 5.0);
        let z = Scale::new(0.0, 0.0, 5, 0.0, 100.0);
        assert_eq!((z.lo, z.hi), (0.0, 1.0), "a counter that stays at zero");
        let bad = Scale::new(f64::NAN, 1.0, 5, 0.0, 100.0);
        assert_eq!((bad.lo, bad.hi), (0.0, 1.0));
    }

    #[test]
    fn pixels_map_linearly_and_a_vertical_axis_grows_upwards() {
        let s = Scale::new(0.0, 10.0, 5, 200.0, 0.0);
        assert_eq!(s.px(0.0), 200.0);
        assert_eq!(s.px(10.0), 0.0);
        assert_eq!(s.px(5.0), 100.0);
    }

    #[test]
    fn tick_labels_abbreviate_thousands_and_keep_needed_decimals() {
        assert_eq!(format_tick(20000.0, 5000.0), "20k");
        assert_eq!(format_tick(2500000.0, 500000.0), "2.5M");
        assert_eq!(format_tick(1500.0, 500.0), "1500");
        assert_eq!(format_tick(0.05, 0.05), "0.05");
        assert_eq!(format_tick(-1e-17, 0.1), "0.0");
    }

    #[test]
    fn a_long_legend_wraps() {
        let few = vec!["a".to_string(), "b".to_string()];
        assert_eq!(legend_rows(&few, 600.0), 1);
        let many: Vec<String> = (0..12).map(|i| format!("a long label {i}")).collect();
        assert!(legend_rows(&many, 600.0) > 2);
        assert_eq!(legend_rows(&[], 600.0), 0);
    }
}
