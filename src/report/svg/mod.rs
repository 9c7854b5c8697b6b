//! A small SVG writer for the charts of `palermo report`: escaped text, rounded coordinates,
//! the series styles that stay apart when printed in grey, and the chart kinds the report
//! needs (`lines`: weekly curves with 95 % bands and timeline markers; `points`: estimates
//! with their intervals, as error-bar charts and forest plots; `heatmap`; `bars`).
//!
//! Why not plotters: its area series fills down to a baseline (a band between two curves is
//! a hand-made polygon either way), forest plots and annotated heatmaps would be hand-drawn
//! on its coordinate system too, and its SVG carries no names (classes, `data-` attributes)
//! that the tests and the page's CSS can address. What remains (a linear scale, ticks, an
//! axis, a legend) is small, and tested here.

pub mod axis;
pub mod bars;
pub mod heatmap;
pub mod lines;
pub mod points;

use std::fmt::Write;

/// Text made safe for SVG and HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal: enough for a screen and a printer, and half the bytes.
pub fn coord(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// How one series is drawn: a colour, and a dash pattern and marker shape that tell it apart
/// without colour (a printout in grey).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesStyle {
    pub color: &'static str,
    /// `stroke-dasharray`; empty for a solid line.
    pub dash: &'static str,
    pub marker: Marker,
}

impl SeriesStyle {
    /// The dash pattern as an attribute (with its leading space), empty for a solid line.
    pub fn dash_attr(&self) -> String {
        if self.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, self.dash)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

/// Colours of distinct lightness (Okabe–Ito's, darkest first, readable on white and in grey).
const COLORS: [&str; 6] = [
    "#000000", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
];
const DASHES: [&str; 5] = ["", "7 3", "2 2", "9 3 2 3", "4 4"];
const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::Cross,
];

/// The style of series `i`: every series of a chart differs in colour, dash and marker.
pub fn style(i: usize) -> SeriesStyle {
    SeriesStyle {
        color: COLORS[i % COLORS.len()],
        dash: DASHES[i % DASHES.len()],
        marker: MARKERS[i % MARKERS.len()],
    }
}

/// A marker of `size` (radius, px) at (x, y), filled with the series colour.
pub fn marker(out: &mut String, m: Marker, x: f64, y: f64, size: f64, color: &str) {
    let (cx, cy) = (coord(x), coord(y));
    let _ = match m {
        Marker::Circle => write!(
            out,
            r#"<circle cx="{cx}" cy="{cy}" r="{}" fill="{color}"/>"#,
            coord(size)
        ),
        Marker::Square => write!(
            out,
            r#"<rect x="{}" y="{}" width="{s}" height="{s}" fill="{color}"/>"#,
            coord(x - size),
            coord(y - size),
            s = coord(2.0 * size)
        ),
        Marker::Triangle => write!(
            out,
            r#"<polygon points="{},{} {},{} {},{}" fill="{color}"/>"#,
            cx,
            coord(y - size * 1.2),
            coord(x - size * 1.1),
            coord(y + size * 0.8),
            coord(x + size * 1.1),
            coord(y + size * 0.8)
        ),
        Marker::Diamond => write!(
            out,
            r#"<polygon points="{cx},{} {},{cy} {cx},{} {},{cy}" fill="{color}"/>"#,
            coord(y - size * 1.3),
            coord(x + size * 1.1),
            coord(y + size * 1.3),
            coord(x - size * 1.1)
        ),
        Marker::Cross => write!(
            out,
            r#"<path d="M{},{}L{},{}M{},{}L{},{}" stroke="{color}" stroke-width="2"/>"#,
            coord(x - size),
            coord(y - size),
            coord(x + size),
            coord(y + size),
            coord(x - size),
            coord(y + size),
            coord(x + size),
            coord(y - size)
        ),
    };
}

/// Opens an `<svg>` of `width` × `height` px with a title (read by screen readers and shown
/// as a tooltip) and a class naming the chart kind.
pub fn open(out: &mut String, class: &str, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" font-family="DejaVu Sans, Arial, sans-serif" font-size="12"><title>{t}</title><rect width="{w}" height="{h}" fill="#fff"/>"##,
        w = coord(width),
        h = coord(height),
        t = escape(title)
    );
}

/// Text at (x, y); `anchor` is `start`, `middle` or `end`.
pub fn text(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="{anchor}"{extra}>{}</text>"#,
        coord(x),
        coord(y),
        escape(content)
    );
}

/// A line segment.
pub fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), attrs: &str) {
    let _ = write!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
        coord(x1),
        coord(y1),
        coord(x2),
        coord(y2)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"a<b & "c" > 'd'"#),
            "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;"
        );
        let mut s = String::new();
        text(&mut s, 1.0, 2.0, "start", "", "<script>");
        assert_eq!(
            s,
            r#"<text x="1" y="2" text-anchor="start">&lt;script&gt;</text>"#
        );
    }

    #[test]
    fn coordinates_have_one_decimal_and_no_trailing_zero() {
        assert_eq!(coord(1.04), "1");
        assert_eq!(coord(1.06), "1.1");
        assert_eq!(coord(-2.5), "-2.5");
        assert_eq!(coord(300.0), "300");
    }

    #[test]
    fn neighbouring_series_differ_in_colour_dash_and_marker() {
        for i in 0..12 {
            let (a, b) = (style(i), style(i + 1));
            assert_ne!(a.color, b.color);
            assert_ne!(a.dash, b.dash);
            assert_ne!(a.marker, b.marker);
        }
    }
}
