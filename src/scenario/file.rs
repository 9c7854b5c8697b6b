//! Reading a scenario file's TOML into raw shapes that keep every key's and value's place.
//!
//! The `toml` crate's span-preserving parser ([`toml::de::DeTable`]) gives byte ranges; this
//! module turns them into 1-based lines and columns once, so that validation can point at any
//! key without seeing the text again. Tables keep their entries in file order (sorted by the
//! key's position), which is the order a user reads and the order policy changes are kept in.
//! Nothing here knows what a parameter is: that is `validate/`'s job.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{Pos, ScenarioError};

/// Tables nested deeper than this are refused: no scenario needs more than three levels, and
/// the limit keeps the conversion's recursion bounded on hostile input.
const MAX_DEPTH: usize = 32;

/// A key as written, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct RawKey {
    pub name: String,
    pub pos: Pos,
}

impl RawKey {
    /// This key's full dotted path under `prefix` (`law` and `offences` give `law.offences`),
    /// and the place it is reported at: the first part of a dotted key (`dotted_start`), where
    /// the user reads it, or the key itself.
    pub fn path_under(&self, prefix: &str, dotted_start: Option<Pos>) -> (String, Pos) {
        let path = if prefix.is_empty() {
            self.name.clone()
        } else {
            format!("{prefix}.{}", self.name)
        };
        (path, dotted_start.unwrap_or(self.pos))
    }
}

/// A value with its place and, for scalars, its source text (so that messages quote a number
/// as the user wrote it: `1e300`, not `1e300` reformatted).
#[derive(Clone, Debug, PartialEq)]
pub struct RawValue {
    pub kind: RawKind,
    pub pos: Pos,
    pub text: String,
}

/// The TOML value kinds. Numbers stay as text until a parameter's domain says how to read them.
#[derive(Clone, Debug, PartialEq)]
pub enum RawKind {
    String(String),
    /// Digits without underscores, with sign, and their radix.
    Integer {
        digits: String,
        radix: u32,
    },
    /// The float as TOML spelled it, without underscores (`inf` and `nan` included).
    Float(String),
    Boolean(bool),
    Datetime(String),
    Array(Vec<RawValue>),
    Table(RawTable),
}

/// A table's entries in file order. Keys are unique (TOML refuses duplicates).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawTable {
    pub entries: Vec<(RawKey, RawValue)>,
}

impl RawValue {
    /// For the table under `key`, reported at `pos`: where its own keys are reported. The
    /// parser gives a table made by a dotted key (`law.offences = ...`) the key's place, so
    /// its keys keep `pos`; a table of its own (`[defaults.law]`, `{ ... }`) has its own.
    pub fn dotted_start(&self, key: &RawKey, pos: Pos) -> Option<Pos> {
        (self.pos == key.pos).then_some(pos)
    }
}

impl RawKind {
    /// The kind's name, for "expected a number, found string".
    pub fn type_name(&self) -> &'static str {
        match self {
            RawKind::String(_) => "string",
            RawKind::Integer { .. } => "integer",
            RawKind::Float(_) => "float",
            RawKind::Boolean(_) => "boolean",
            RawKind::Datetime(_) => "datetime",
            RawKind::Array(_) => "array",
            RawKind::Table(_) => "table",
        }
    }
}

impl RawValue {
    /// The value as a number, integers and floats alike (a TOML `1` is a fine real). `None`
    /// for anything that is not a number; an integer too long for any type reads as infinity,
    /// which every domain refuses.
    pub fn as_number(&self) -> Option<f64> {
        match &self.kind {
            RawKind::Integer { digits, radix } => Some(integer_value(digits, *radix)),
            RawKind::Float(text) => text.parse::<f64>().ok(),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            RawKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            RawKind::Boolean(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[RawValue]> {
        match &self.kind {
            RawKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_table(&self) -> Option<&RawTable> {
        match &self.kind {
            RawKind::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// Reads an integer's digits as a number. Decimal goes through `f64` parsing (exact up to
/// 2^53, and never overflows); other radixes through `u128`, with infinity when even that
/// overflows.
fn integer_value(digits: &str, radix: u32) -> f64 {
    if radix == 10 {
        return digits.parse::<f64>().unwrap_or(f64::INFINITY);
    }
    let (negative, body) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.strip_prefix('+').unwrap_or(digits)),
    };
    match u128::from_str_radix(body, radix) {
        Ok(v) if negative => -(v as f64),
        Ok(v) => v as f64,
        Err(_) => f64::INFINITY,
    }
}

/// Parses a scenario file's text. A syntax error is located at the parser's position.
pub fn parse_toml(text: &str, file: &str) -> Result<RawTable, ScenarioError> {
    let lines = LineIndex::new(text);
    let doc = DeTable::parse(text).map_err(|e| {
        let message = e.message().trim_end();
        let Some(span) = e.span() else {
            return ScenarioError::in_file(file, format!("invalid TOML: {message}"));
        };
        // The parser's "duplicate key" names no key: read it from the text.
        let duplicate = message
            .starts_with("duplicate key")
            .then(|| duplicate_key(text, span.start))
            .flatten();
        match duplicate {
            Some(d) => {
                let message = if d.header {
                    format!(
                        "table `[{}]` is defined twice (a table takes one header, or dotted keys, not both)",
                        d.key
                    )
                } else {
                    format!("key `{}` is given twice in this table", d.key)
                };
                ScenarioError::at(file, lines.pos(d.start), Some(&d.key), message)
            }
            None => ScenarioError::at(
                file,
                lines.pos(span.start),
                None,
                format!("invalid TOML: {message}"),
            ),
        }
    })?;
    convert_table(doc.get_ref(), text, &lines, file, 0)
}

/// A key the parser found twice, as written where it found the second.
#[derive(Debug, PartialEq)]
struct Duplicate {
    /// The whole key, dotted parts joined by `.`, quotes removed (`law.penalty` for
    /// `law . "penalty"`).
    key: String,
    /// Whether it is a table header (`[run]`) rather than a key of a key/value pair.
    header: bool,
    /// The byte offset where the key begins.
    start: usize,
}

/// Reads the key around byte `at` (the parser's place for a duplicate, which is the
/// repeated part of a dotted key): from the start of its key (the line's start, a `[`, `{` or
/// `,`) to the `=` or `]` after it, outside quotes. `None` if the text there is no key.
fn duplicate_key(text: &str, at: usize) -> Option<Duplicate> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    let line = text.get(line_start..line_end)?;
    let at = at - line_start;
    let header = line.trim_start().starts_with('[');
    let (mut begin, mut end) = (0, line.len());
    for (i, c) in unquoted(line) {
        match c {
            '[' | '{' | ',' if i < at => begin = i + 1,
            '=' | ']' if i >= at => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let written = line.get(begin..end)?;
    let start = line_start + begin + (written.len() - written.trim_start().len());
    let parts = split_dotted(written.trim());
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    Some(Duplicate {
        key: parts.join("."),
        header,
        start,
    })
}

/// The characters of `text` outside quoted strings, with their byte offsets; the quotes
/// themselves are left out. A basic string (`"…"`) honours backslash escapes, a literal one
/// (`'…'`) does not, as in TOML.
fn unquoted(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| match quote {
        Some(q) => {
            if q == '"' && c == '\\' && !escaped {
                escaped = true;
            } else {
                if c == q && !escaped {
                    quote = None;
                }
                escaped = false;
            }
            false
        }
        None if c == '"' || c == '\'' => {
            quote = Some(c);
            false
        }
        None => true,
    })
}

/// The parts of a dotted key as written, trimmed and unquoted (escapes are kept as written).
fn split_dotted(key: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    for (i, _) in unquoted(key).filter(|&(_, c)| c == '.') {
        parts.push(&key[from..i]);
        from = i + 1;
    }
    parts.push(&key[from..]);
    parts
        .into_iter()
        .map(|p| {
            let p = p.trim();
            ['"', '\'']
                .iter()
                .find_map(|q| p.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
                .unwrap_or(p)
        })
        .collect()
}

fn convert_table(
    table: &DeTable<'_>,
    text: &str,
    lines: &LineIndex,
    file: &str,
    depth: usize,
) -> Result<RawTable, ScenarioError> {
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let key_span = key.span();
        let raw_key = RawKey {
            name: key.get_ref().to_string(),
            pos: lines.pos(key_span.start),
        };
        let raw_value = convert_value(value, &raw_key.name, text, lines, file, depth + 1)?;
        entries.push((key_span.start, raw_key, raw_value));
    }
    // Without the crate's `preserve_order` feature the table iterates in key order; the key's
    // byte offset restores the order of the file.
    entries.sort_by_key(|(start, _, _)| *start);
    Ok(RawTable {
        entries: entries.into_iter().map(|(_, k, v)| (k, v)).collect(),
    })
}

fn convert_value(
    value: &Spanned<DeValue<'_>>,
    key: &str,
    text: &str,
    lines: &LineIndex,
    file: &str,
    depth: usize,
) -> Result<RawValue, ScenarioError> {
    let span = value.span();
    let pos = lines.pos(span.start);
    if depth > MAX_DEPTH {
        return Err(ScenarioError::at(
            file,
            pos,
            Some(key),
            format!("`{key}` nests tables and arrays more than {MAX_DEPTH} deep"),
        ));
    }
    let kind = match value.get_ref() {
        DeValue::String(s) => RawKind::String(s.to_string()),
        DeValue::Integer(i) => RawKind::Integer {
            digits: i.as_str().to_string(),
            radix: i.radix(),
        },
        DeValue::Float(f) => RawKind::Float(f.as_str().to_string()),
        DeValue::Boolean(b) => RawKind::Boolean(*b),
        DeValue::Datetime(d) => RawKind::Datetime(d.to_string()),
        DeValue::Array(items) => RawKind::Array(
            items
                .iter()
                .map(|item| convert_value(item, key, text, lines, file, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => RawKind::Table(convert_table(t, text, lines, file, depth)?),
    };
    let source = match kind {
        RawKind::Array(_) | RawKind::Table(_) => "",
        _ => text.get(span).unwrap_or(""),
    };
    Ok(RawValue {
        kind,
        pos,
        text: source.trim().to_string(),
    })
}

/// Byte offsets to lines and columns: the start of every line, searched by bisection.
#[derive(Clone, Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The 1-based line and column (in characters) of a byte offset; offsets past the end
    /// point just after the last character.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        // Count characters as the bytes that start one, so that an offset inside a multi-byte
        // character (which the parser never gives, but nothing here relies on that) is safe.
        let col = self.text.as_bytes().get(start..offset).map_or(0, |bytes| {
            bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
        });
        Pos { line, col: col + 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\nçd = 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos { line: 1, col: 1 });
        assert_eq!(idx.pos(3), Pos { line: 2, col: 1 });
        // 'd' follows the two-byte 'ç'.
        assert_eq!(idx.pos(5), Pos { line: 2, col: 2 });
        assert_eq!(idx.pos(1000), Pos { line: 3, col: 1 });
    }

    #[test]
    fn keeps_file_order_and_places() {
        let t = parse_toml("zeta = 1\nalpha = \"x\"\n[b]\nc.d = 1.5e3\n", "f.toml").unwrap();
        let names: Vec<_> = t.entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha", "b"]);
        let (k, v) = &t.entries[1];
        assert_eq!(k.pos, Pos { line: 2, col: 1 });
        assert_eq!(v.pos, Pos { line: 2, col: 9 });
        assert_eq!(v.as_str(), Some("x"));
        let b = t.entries[2].1.as_table().unwrap();
        let c = b.entries[0].1.as_table().unwrap();
        assert_eq!(c.entries[0].0.pos, Pos { line: 4, col: 3 });
        assert_eq!(c.entries[0].1.as_number(), Some(1500.0));
        assert_eq!(c.entries[0].1.text, "1.5e3");
    }

    #[test]
    fn numbers_of_every_spelling() {
        let text = "a = 1_000\nb = 0xff\nc = -5\nd = inf\ne = 99999999999999999999999\nf = 0b1\n";
        let t = parse_toml(text, "f").unwrap();
        let nums: Vec<_> = t
            .entries
            .iter()
            .map(|(_, v)| v.as_number().unwrap())
            .collect();
        assert_eq!(nums[..3], [1000.0, 255.0, -5.0]);
        assert!(nums[3].is_infinite());
        // Beyond i64 the parser still accepts an integer; it reads as a huge number, no panic.
        assert_eq!(nums[4], 1e23);
        assert_eq!(nums[5], 1.0);
        assert_eq!(integer_value(&"f".repeat(40), 16), f64::INFINITY);
    }

    #[test]
    fn a_duplicate_key_is_named() {
        let cases = [
            (
                "a = 1\nb = 2\nb = 3\n",
                "3:1: key `b` is given twice in this table",
            ),
            (
                "law.penalty = 1\n  law . penalty = 2\n",
                "2:3: key `law.penalty` is given twice",
            ),
            ("'w' = 1\n\"w\" = 2\n", "2:1: key `w` is given twice"),
            ("t = { x = 1, x = 2 }\n", "1:14: key `x` is given twice"),
            (
                "\"a.b\" = 1\n\"a.b\" = 2\n",
                "2:1: key `a.b` is given twice",
            ),
            ("[run]\n[run]\n", "2:2: table `[run]` is defined twice"),
            (
                "[c]\nlaw.p = 1\n[c.law]\n",
                "3:2: table `[c.law]` is defined twice",
            ),
        ];
        for (text, expected) in cases {
            let e = parse_toml(text, "f.toml").unwrap_err();
            assert!(
                e.to_string().starts_with(&format!("f.toml:{expected}")),
                "{text:?}: {e}"
            );
            assert!(e.key.is_some());
        }
        // Other syntax errors keep the parser's words.
        let e = parse_toml("a = 1\nb = = 2\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("invalid TOML"), "{e}");
        assert_eq!(duplicate_key("=\n", 0), None);
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse_toml("a = 1\nb = = 2\n", "f.toml").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("f.toml:2:"), "{e}");
    }
}
