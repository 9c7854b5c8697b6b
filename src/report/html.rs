//! The page around the charts: one HTML document with its style inline, no script and no
//! outside resource (it opens offline, from e-mail or a shared drive), headings with a table
//! of contents, tables of numbers, and figures that lay out in a grid on screen and do not
//! break across pages in print.

use std::fmt::Write;

pub use super::svg::escape;

/// A section of the page: an anchor, a heading and its HTML.
#[derive(Debug)]
pub struct Section {
    pub id: String,
    pub heading: String,
    pub body: String,
}

const STYLE: &str = "
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1400px;padding:0 24px 48px;color:#111;line-height:1.4}
h1{font-size:1.6em;margin:20px 0 4px}h2{border-bottom:2px solid #333;padding-bottom:2px;margin-top:36px}
h3{margin:22px 0 6px}p.lead{color:#333;margin:0 0 12px}
nav ul{columns:3;padding-left:18px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}
.charts.pairs{grid-template-columns:repeat(auto-fill,minmax(620px,1fr))}.charts.wide{grid-template-columns:1fr}
figure{margin:0;border:1px solid #ddd;padding:6px;background:#fff;break-inside:avoid}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:12px;color:#333;margin-top:4px}
code{background:#f3f3f3;padding:0 3px}pre{white-space:pre-wrap;font-size:12px;background:#f7f7f7;padding:6px}
@media print{body{max-width:none;padding:0}nav{display:none}h2{break-before:page}.charts{display:block}figure{margin-bottom:10px}}
";

/// The whole page.
pub fn page(title: &str, lead: &str, sections: &[Section], version: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>{t}</title><style>{STYLE}</style></head>
<body><header><h1>{t}</h1><p class="lead">{lead}</p></header>
<nav><ul>"#,
        t = escape(title)
    );
    for s in sections {
        let _ = write!(
            out,
            r##"<li><a href="#{}">{}</a></li>"##,
            s.id,
            escape(&s.heading)
        );
    }
    out.push_str("</ul></nav><main>");
    for s in sections {
        let _ = write!(
            out,
            r#"<section id="{}"><h2>{}</h2>{}</section>"#,
            s.id,
            escape(&s.heading),
            s.body
        );
    }
    let _ = writeln!(
        out,
        "</main><footer><p>Written by <code>palermo report</code> (palermo {}). Means with 95 % confidence intervals (Student's t) across replicates; shaded bands and whiskers are those intervals.</p></footer></body></html>",
        escape(version)
    );
    out
}

/// A table; `rows` hold cells already as HTML (`<td>…</td>` made here, numbers right-aligned
/// when `numeric[k]`).
pub fn table(header: &[String], rows: &[Vec<String>], numeric: &[bool], class: &str) -> String {
    let mut out = format!(r#"<table class="{class}"><thead><tr>"#);
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            if numeric.get(k).copied().unwrap_or(false) {
                let _ = write!(out, r#"<td class="num">{cell}</td>"#);
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// A figure: a chart and its caption.
pub fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        escape(caption)
    )
}

/// How figures are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// As many small charts a row as fit.
    Grid,
    /// Two large charts a row on a wide screen.
    Pairs,
    /// One chart a row.
    Wide,
}

/// Figures laid out in a grid.
pub fn charts(figures: &[String], layout: Layout) -> String {
    let class = match layout {
        Layout::Grid => "charts",
        Layout::Pairs => "charts pairs",
        Layout::Wide => "charts wide",
    };
    format!(r#"<div class="{class}">{}</div>"#, figures.concat())
}

/// A number for a table: four significant digits, the exact value in a `data-value`
/// attribute (tests and scripts read it); undefined values are a dash.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return r#"<span class="undefined">–</span>"#.into();
    }
    format!(r#"<span data-value="{v}">{}</span>"#, significant(v, 4))
}

/// `v` to `digits` significant digits, without exponent for ordinary magnitudes.
pub fn significant(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..=9).contains(&magnitude) {
        return format!("{v:.*e}", (digits - 1) as usize);
    }
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let html = page(
            "a <b>",
            "lead & more",
            &[Section {
                id: "s".into(),
                heading: "S \"1\"".into(),
                body: "<p>x</p>".into(),
            }],
            "0.1.0",
        );
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>a &lt;b&gt;</title>"));
        assert!(html.contains(r##"<a href="#s">S &quot;1&quot;</a>"##));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn numbers_keep_their_exact_value_beside_the_rounded_one() {
        assert_eq!(
            number(3061.6666666666665),
            r#"<span data-value="3061.6666666666665">3062</span>"#
        );
        assert_eq!(significant(0.005658, 4), "0.005658");
        assert_eq!(significant(76740000.0, 4), "76740000");
        assert_eq!(significant(1.5e12, 4), "1.500e12");
        assert!(number(f64::NAN).contains('–'));
    }
}
