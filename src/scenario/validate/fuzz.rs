//! Property tests: no text, however broken, and no override, however odd, makes reading a
//! scenario panic; every error renders and points inside the file; a refused override
//! changes nothing. The edits of a valid file are shared with the targets file's property
//! test (`validation/tests.rs`).

use proptest::prelude::*;

use super::parse;
use crate::scenario::{Override, overrides};

const SMALL: &str = include_str!("../../../tests/fixtures/good/small.toml");

/// An edit of a valid file: delete, insert or replace at a position (taken modulo
/// the length), with characters that matter to TOML.
#[derive(Clone, Debug)]
pub(crate) enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
}

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        Just("=".to_string()),
        Just("[".to_string()),
        Just("]]".to_string()),
        Just("\"".to_string()),
        Just(".".to_string()),
        Just("\n".to_string()),
        Just("-1".to_string()),
        Just("1e300".to_string()),
        Just("nan".to_string()),
        Just("{ x = 1 }".to_string()),
        Just("[[country]]\n".to_string()),
        "[a-z_.=\\[\\]{}\",0-9 \n-]{1,8}",
        any::<String>(),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(p, n)| Edit::Delete(p, n)),
        (any::<usize>(), piece.clone()).prop_map(|(p, s)| Edit::Insert(p, s)),
        (any::<usize>(), piece).prop_map(|(p, s)| Edit::Replace(p, s)),
    ]
}

pub(crate) fn apply_edit(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |p: usize| if chars.is_empty() { 0 } else { p % chars.len() };
    let mut out: Vec<char> = chars.clone();
    match edit {
        Edit::Delete(p, n) => {
            let start = at(*p);
            let end = (start + n).min(out.len());
            out.drain(start..end);
        }
        Edit::Insert(p, s) => {
            let start = at(*p);
            out.splice(start..start, s.chars());
        }
        Edit::Replace(p, s) => {
            let start = at(*p);
            let end = (start + s.chars().count()).min(out.len());
            out.splice(start..end, s.chars());
        }
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text, "fuzz.toml", &[]);
    }

    #[test]
    fn mutations_of_a_valid_file_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        let mut text = SMALL.to_string();
        for e in &edits {
            text = apply_edit(&text, e);
        }
        if let Err(e) = parse(&text, "fuzz.toml", &[]) {
            // Every error renders, and a located one points inside the file.
            let shown = e.to_string();
            prop_assert!(shown.starts_with("fuzz.toml"));
            for one in e.errors() {
                if let Some(line) = one.line {
                    prop_assert!(line as usize <= text.lines().count() + 1);
                }
            }
        }
    }

    #[test]
    fn random_overrides_never_panic(path in "[a-z_.A-Za-z]{0,30}", value in "[-0-9.e,a-z ]{0,12}") {
        let mut s = parse(SMALL, "small.toml", &[]).unwrap();
        let before = s.clone();
        let ov = Override { path, value };
        match overrides::apply(&mut s, &ov) {
            Ok(()) => prop_assert_eq!(s.overrides.last(), Some(&ov)),
            // A refused override changes nothing.
            Err(_) => prop_assert_eq!(s, before),
        }
    }
}
