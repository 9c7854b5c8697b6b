//! The parameter table for people: `palermo params` prints it, `docs/ODD.md` embeds its
//! Markdown form. Both come from [`params::all_specs`], so the documentation cannot list a
//! parameter the code does not have, or miss one it has.

use crate::params::{self, ParamSpec};

const HEADINGS: [&str; 5] = ["path", "default", "range", "unit", "meaning"];

fn cells(spec: &ParamSpec) -> [String; 5] {
    [
        spec.full_path(),
        spec.default_text(),
        spec.domain.describe(),
        spec.unit.to_string(),
        spec.doc.to_string(),
    ]
}

/// Cells longer than this do not widen their column: they overflow into the next one, so that
/// one long offence list does not push every other row off the screen.
const MAX_ALIGNED_WIDTH: usize = 40;

/// Every parameter as aligned plain text, one per line under a heading line.
pub fn params_text() -> String {
    let rows: Vec<[String; 5]> = std::iter::once(HEADINGS.map(str::to_uppercase))
        .chain(params::all_specs().into_iter().map(cells))
        .collect();
    let len = |s: &String| s.chars().count();
    let width = |col: usize| {
        rows.iter()
            .map(|r| len(&r[col]))
            .filter(|&n| n <= MAX_ALIGNED_WIDTH)
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..4).map(width).collect();
    let mut out = String::new();
    for row in &rows {
        for (cell, w) in row.iter().zip(&widths) {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', w.saturating_sub(len(cell)) + 2));
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    out
}

/// Every parameter as a Markdown table (the table `docs/ODD.md` embeds), one row per
/// [`params::all_specs`] entry, in that order.
pub fn params_markdown() -> String {
    let escape = |s: &str| s.replace('|', "\\|");
    let mut out = format!("| {} |\n", HEADINGS.map(capitalize).join(" | "));
    out.push_str("|---|---|---|---|---|\n");
    for spec in params::all_specs() {
        let [path, default, range, unit, doc] = cells(spec).map(|c| escape(&c));
        out.push_str(&format!(
            "| `{path}` | {default} | {range} | {unit} | {doc} |\n"
        ));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_has_one_row_per_spec() {
        let md = params_markdown();
        let specs = params::all_specs();
        assert_eq!(md.lines().count(), specs.len() + 2);
        for (line, spec) in md.lines().skip(2).zip(&specs) {
            assert!(line.starts_with(&format!("| `{}` |", spec.full_path())));
            assert_eq!(line.matches(" | ").count(), 4, "{line}");
        }
    }

    #[test]
    fn text_is_aligned() {
        let text = params_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), params::all_specs().len() + 1);
        let default_col = lines[0].find("DEFAULT").unwrap();
        for line in &lines[1..] {
            let before: String = line.chars().take(default_col).collect();
            assert!(before.ends_with("  "), "{line}");
        }
    }
}
