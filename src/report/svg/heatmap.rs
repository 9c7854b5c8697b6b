//! A heatmap of one outcome over a two-parameter grid: a cell per point, shaded from light to
//! dark by its mean on one sequential scale (which prints in grey as it shows on screen), the
//! mean written in the cell, and its 95 % interval in the cell's tooltip.

use std::fmt::Write;

use super::axis::{Frame, format_tick, title};
use super::{coord, escape, text};

/// One cell: its column and row among the axis values, and its estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub col: usize,
    pub row: usize,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    pub cells: Vec<Cell>,
    pub width: f64,
}

/// The shade of `t` in [0, 1]: from a pale to a dark blue, monotone in lightness.
pub fn shade(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}

/// A cell value in a few significant digits.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let magnitude = if v == 0.0 {
        0.0
    } else {
        v.abs().log10().floor()
    };
    let step = 10f64.powf(magnitude - 2.0);
    let text = format_tick((v / step).round() * step, step);
    // 3.00 → 3, 0.50 → 0.5; a suffix (k, M) follows digits that are already short.
    if text.contains('.') && text.ends_with(|c: char| c.is_ascii_digit()) {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

impl Heatmap {
    pub fn render(&self) -> String {
        let (nx, ny) = (self.x_values.len().max(1), self.y_values.len().max(1));
        let cell_w = ((self.width - 150.0) / nx as f64).min(90.0);
        let cell_h = 28.0;
        let height = 40.0 + cell_h * ny as f64 + 70.0;
        let f = Frame {
            width: self.width,
            height,
            left: 110.0,
            right: 110.0 + cell_w * nx as f64,
            top: 40.0,
            bottom: 40.0 + cell_h * ny as f64,
        };
        let (lo, hi) = self
            .cells
            .iter()
            .map(|c| c.mean)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let mut out = String::new();
        super::open(&mut out, "heatmap", f.width, height, &self.title);
        title(&mut out, &f, &self.title);
        for c in &self.cells {
            let t = (c.mean - lo) / span;
            // Rows from the bottom, as on a y axis.
            let (x, y) = (
                f.left + cell_w * c.col as f64,
                f.bottom - cell_h * (c.row as f64 + 1.0),
            );
            let _ = write!(
                out,
                r##"<g class="cell"><title>{} = {}, {} = {}: mean {} (95 % CI {} to {})</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"/>"##,
                escape(&self.x_name),
                escape(self.x_values.get(c.col).map_or("", String::as_str)),
                escape(&self.y_name),
                escape(self.y_values.get(c.row).map_or("", String::as_str)),
                short(c.mean),
                short(c.low),
                short(c.high),
                coord(x),
                coord(y),
                coord(cell_w),
                coord(cell_h),
                if c.mean.is_finite() {
                    shade(t)
                } else {
                    "#ffffff".into()
                }
            );
            let ink = if t > 0.55 { r##" fill="#fff""## } else { "" };
            text(
                &mut out,
                x + cell_w / 2.0,
                y + cell_h / 2.0 + 4.0,
                "middle",
                &format!(r#" font-size="11"{ink}"#),
                &short(c.mean),
            );
            out.push_str("</g>");
        }
        for (k, v) in self.x_values.iter().enumerate() {
            text(
                &mut out,
                f.left + cell_w * (k as f64 + 0.5),
                f.bottom + 15.0,
                "middle",
                r#" class="tick""#,
                v,
            );
        }
        for (k, v) in self.y_values.iter().enumerate() {
            text(
                &mut out,
                f.left - 6.0,
                f.bottom - cell_h * (k as f64 + 0.5) + 4.0,
                "end",
                r#" class="tick""#,
                v,
            );
        }
        text(
            &mut out,
            (f.left + f.right) / 2.0,
            f.bottom + 32.0,
            "middle",
            "",
            &self.x_name,
        );
        text(
            &mut out,
            8.0,
            f.top - 8.0,
            "start",
            "",
            &format!("↑ {}", self.y_name),
        );
        // The key: five shades with the values they stand for.
        for k in 0..5 {
            let t = k as f64 / 4.0;
            let x = f.left + 70.0 * k as f64;
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="14" height="10" fill="{}" stroke="#999"/>"##,
                coord(x),
                coord(height - 22.0),
                shade(t)
            );
            text(
                &mut out,
                x + 18.0,
                height - 13.0,
                "start",
                r#" font-size="10""#,
                &short(lo + t * span),
            );
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_darken_monotonically() {
        let lightness = |t: f64| {
            let s = shade(t);
            (1..7)
                .step_by(2)
                .map(|i| u32::from_str_radix(&s[i..i + 2], 16).unwrap())
                .sum::<u32>()
        };
        assert!(lightness(0.0) > lightness(0.5));
        assert!(lightness(0.5) > lightness(1.0));
        assert_eq!(shade(f64::NAN), shade(0.0));
    }

    #[test]
    fn short_values_keep_three_digits() {
        assert_eq!(short(3061.6666), "3060");
        assert_eq!(short(0.0056596), "0.00566");
        assert_eq!(short(123456.0), "123k");
        assert_eq!(short(f64::NAN), "–");
    }

    #[test]
    fn one_cell_per_point_placed_by_row_and_column() {
        let h = Heatmap {
            title: "t".into(),
            x_name: "a".into(),
            y_name: "b".into(),
            x_values: vec!["0".into(), "1".into()],
            y_values: vec!["x".into()],
            cells: vec![
                Cell {
                    col: 0,
                    row: 0,
                    mean: 1.0,
                    low: 0.0,
                    high: 2.0,
                },
                Cell {
                    col: 1,
                    row: 0,
                    mean: 3.0,
                    low: 2.0,
                    high: 4.0,
                },
            ],
            width: 400.0,
        };
        let svg = h.render();
        assert_eq!(svg.matches(r#"class="cell""#).count(), 2);
        assert!(svg.contains("b = x: mean 3 (95 % CI 2 to 4)"));
        assert!(svg.contains(&format!(r#"fill="{}""#, shade(1.0))));
    }
}
