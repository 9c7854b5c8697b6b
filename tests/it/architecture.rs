//! The structure of `src/`, checked from the code's own imports (`docs/ARCHITECTURE.md`,
//! "Rules"): no file imports one that imports it back, however long the way round; the
//! world's state imports nothing of the mechanisms; the scenario imports nothing it feeds;
//! the faces of the program (`report`, `serve`) read results through the library, never the
//! model's internals; only `cli/` and `main.rs` print; no source file grows past 800 lines;
//! each command is found by its name in `src/cli/`.
//!
//! An edge A → B means that A's code (not its comments, not its `#[cfg(test)] mod tests`)
//! names an item of file B: by `use`, by a `crate::`/`super::`/`self::` path, or, in a
//! `mod.rs`, by a child module's name. A `mod.rs`'s `pub use` re-exports are its table of
//! contents, not a use, and do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path: `["world", "persons"]` for `src/world/persons.rs`, `[]` for the crate root.
type ModPath = Vec<String>;

/// Files allowed past this many lines: none.
const MAX_LINES: usize = 800;

/// Module prefixes a module must not import, and why.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    (
        "world",
        "mechanisms",
        "the world is state; the mechanisms are behaviour",
    ),
    ("scenario", "world", "a scenario is read before any world"),
    (
        "scenario",
        "mechanisms",
        "a scenario is read before any run",
    ),
    (
        "scenario",
        "sweep",
        "the sweep reads the scenario, not back",
    ),
    ("scenario", "run", "a scenario is read before anything runs"),
    ("params", "world", "the parameter table is below everything"),
    (
        "report",
        "world",
        "reports read results, not the model's state",
    ),
    (
        "report",
        "mechanisms",
        "reports read results, not the model's behaviour",
    ),
    (
        "serve",
        "world",
        "the page calls the library, not the model's state",
    ),
    (
        "serve",
        "mechanisms",
        "the page calls the library, not the model's behaviour",
    ),
];

struct Source {
    path: PathBuf,
    module: ModPath,
    /// `mod.rs`, `lib.rs` or `main.rs`: its child modules are named relative to it.
    is_dir: bool,
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = src_dir();
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module: ModPath = relative
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            let is_dir = matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            );
            if is_dir {
                module.pop();
            }
            let text = fs::read_to_string(&path).unwrap();
            Source {
                path,
                module,
                is_dir,
                text,
            }
        })
        .collect()
}

fn name(s: &Source) -> String {
    s.path
        .strip_prefix(src_dir())
        .unwrap()
        .display()
        .to_string()
}

/// The code of a file: no comments, no unit-test module, and for a `mod.rs` no re-exports.
fn code(s: &Source) -> String {
    let text = match s.text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &s.text[..i],
        None => &s.text[..],
    };
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(strip_line_comment(line));
        out.push('\n');
    }
    if s.is_dir {
        out = remove_statements(&out, &["pub use ", "pub(crate) use "]);
    }
    out
}

/// A line without its `//` comment (a `//` inside a string literal is kept).
fn strip_line_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // A character literal: '"' or '\'' must not open a string.
            b'\'' if !in_string => {
                if bytes.get(i + 1) == Some(&b'\\') {
                    i += 3;
                } else if bytes.get(i + 2) == Some(&b'\'') {
                    i += 2;
                }
            }
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The text without the statements that start (at a line's start) with one of `starts`.
fn remove_statements(text: &str, starts: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((i, _)) = starts
        .iter()
        .filter_map(|s| find_at_line_start(rest, s).map(|i| (i, s)))
        .min()
    {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').map_or(rest.len(), |j| i + j + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn find_at_line_start(text: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(j) = text[from..].find(needle) {
        let i = from + j;
        if i == 0 || text.as_bytes()[i - 1] == b'\n' {
            return Some(i);
        }
        from = i + needle.len();
    }
    None
}

/// The paths a piece of code names: every `use` tree expanded, and every `crate::`,
/// `super::` and `self::` path.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + 4..];
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            && let Some(end) = after.find(';')
        {
            {
                // One space between words (`X as Y`), none around the punctuation.
                let words: Vec<&str> = after[..end].split_whitespace().collect();
                let mut tree = words.join(" ");
                for p in [":", "{", "}", ","] {
                    tree = tree
                        .replace(&format!(" {p}"), p)
                        .replace(&format!("{p} "), p);
                }
                // Only a use tree: the word "use" in a string or a sentence is not one.
                let is_tree = tree
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_:{},* ".contains(c));
                if is_tree {
                    expand_use(&tree, &mut Vec::new(), &mut paths);
                }
                rest = &after[end..];
                continue;
            }
        }
        rest = after;
    }
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(j) = code[from..].find(start) {
            let i = from + j;
            from = i + start.len();
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(segments(&path));
        }
    }
    paths
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .filter(|s| !s.is_empty())
        .map(|s| s.split(" as ").next().unwrap().to_string())
        .collect()
}

/// `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn expand_use(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let Some(open) = tree.find('{') else {
        let mut path = prefix.clone();
        path.extend(segments(tree.split(" as ").next().unwrap_or(tree)));
        out.push(path);
        return;
    };
    let head = segments(&tree[..open]);
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let depth = prefix.len();
    prefix.extend(head);
    let mut level = 0;
    let mut start = 0;
    for (i, c) in body.char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                expand_use(&body[start..i], prefix, out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < body.len() {
        expand_use(&body[start..], prefix, out);
    }
    prefix.truncate(depth);
}

/// The file-level import graph: for each file (by index), the files it names.
fn import_graph(files: &[Source]) -> Vec<BTreeSet<usize>> {
    let by_module: BTreeMap<&ModPath, usize> = files
        .iter()
        .enumerate()
        // main.rs is the binary's root, not the library's: nothing in the library names it.
        .filter(|(_, s)| !s.path.ends_with("main.rs"))
        .map(|(i, s)| (&s.module, i))
        .collect();
    let resolve = |full: &[String]| -> Option<usize> {
        (1..=full.len())
            .rev()
            .find_map(|n| by_module.get(&full[..n].to_vec()).copied())
    };
    files
        .iter()
        .enumerate()
        .map(|(me, s)| {
            let code = code(s);
            let mut paths = named_paths(&code);
            if s.is_dir {
                // A child module named by its name alone: `persons::NEVER` in world/mod.rs.
                for other in files {
                    if other.module.len() == s.module.len() + 1
                        && other.module.starts_with(&s.module)
                    {
                        let child = other.module.last().unwrap();
                        if mentions_path_start(&code, child) {
                            paths.push(vec!["self".into(), child.clone()]);
                        }
                    }
                }
            }
            let mut targets = BTreeSet::new();
            for path in paths {
                let Some(first) = path.first() else { continue };
                let full: Vec<String> = match first.as_str() {
                    "crate" => path[1..].to_vec(),
                    "self" => [s.module.clone(), path[1..].to_vec()].concat(),
                    "super" => {
                        let ups = path.iter().take_while(|p| *p == "super").count();
                        let base = &s.module[..s.module.len().saturating_sub(ups)];
                        [base.to_vec(), path[ups..].to_vec()].concat()
                    }
                    // A relative path to a child module; anything else is another crate.
                    _ => [s.module.clone(), path.clone()].concat(),
                };
                if let Some(target) = resolve(&full).filter(|&t| t != me) {
                    targets.insert(target);
                }
            }
            targets
        })
        .collect()
}

/// Whether `code` has `name::` not preceded by a path separator or an identifier character.
fn mentions_path_start(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle).any(|(i, _)| {
        code[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
    })
}

/// The files reachable from `start` (itself excluded unless on a cycle).
fn reachable(graph: &[BTreeSet<usize>], start: usize) -> Vec<Option<usize>> {
    // For each file reached, the file it was reached from: a way back can be printed.
    let mut from = vec![None; graph.len()];
    let mut queue = vec![start];
    while let Some(f) = queue.pop() {
        for &t in &graph[f] {
            if from[t].is_none() {
                from[t] = Some(f);
                queue.push(t);
            }
        }
    }
    from
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let files = sources();
    let graph = import_graph(&files);
    let mut cycles = Vec::new();
    for (a, targets) in graph.iter().enumerate() {
        for &b in targets {
            let from = reachable(&graph, b);
            if from[a].is_some() {
                // The way back from b to a.
                let mut way = vec![a];
                let mut at = a;
                while at != b {
                    at = from[at].unwrap();
                    way.push(at);
                }
                way.reverse();
                let names: Vec<String> = std::iter::once(a)
                    .chain(way)
                    .map(|f| name(&files[f]))
                    .collect();
                cycles.push(names.join(" -> "));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn modules_import_nothing_they_feed() {
    let files = sources();
    let graph = import_graph(&files);
    let mut broken = Vec::new();
    for (a, targets) in graph.iter().enumerate() {
        for &b in targets {
            let (from, to) = (&files[a].module, &files[b].module);
            for (lower, upper, why) in FORBIDDEN {
                if from.first().is_some_and(|m| m == lower)
                    && to.first().is_some_and(|m| m == upper)
                {
                    broken.push(format!(
                        "{} imports {}: {why}",
                        name(&files[a]),
                        name(&files[b])
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn only_the_command_line_prints() {
    let files = sources();
    let mut printing = Vec::new();
    for s in &files {
        if s.module.first().is_some_and(|m| m == "cli") || s.path.ends_with("main.rs") {
            continue;
        }
        let code = code(s);
        for needle in [
            "println!",
            "eprintln!",
            "print!",
            "eprint!",
            "dbg!",
            "indicatif",
            "stdout()",
            "stderr()",
        ] {
            if code.match_indices(needle).any(|(i, _)| {
                code[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            }) {
                printing.push(format!("{} uses {needle}", name(s)));
            }
        }
    }
    assert!(printing.is_empty(), "{}", printing.join("\n"));
}

#[test]
fn no_source_file_is_past_800_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.text.lines().count() > MAX_LINES)
        .map(|s| format!("{}: {} lines", name(s), s.text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "split these by what they do:\n{}",
        long.join("\n")
    );
}

#[test]
fn each_command_is_found_by_its_name_in_src_cli() {
    use clap::CommandFactory;
    let missing: Vec<String> = palermo::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|c| !src_dir().join("cli").join(format!("{c}.rs")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "commands without a file src/cli/NAME.rs: {missing:?}"
    );
}

#[test]
fn the_checker_sees_what_it_must() {
    // The parsing above is hand-made: show it finds the kinds of edges it claims to.
    let mut paths = Vec::new();
    expand_use("super::{a::{B,C},d}", &mut Vec::new(), &mut paths);
    assert_eq!(
        paths,
        [
            vec!["super", "a", "B"],
            vec!["super", "a", "C"],
            vec!["super", "d"]
        ]
    );
    // A name containing "as" is not an alias: `assemble` stays `assemble`.
    let found = named_paths("use super::assemble::Assembled;\nuse a::b as c;\n");
    assert_eq!(
        found[..2],
        [vec!["super", "assemble", "Assembled"], vec!["a", "b"]]
    );
    assert!(!found.contains(&vec!["super".to_string()]));
    let found = named_paths(strip_line_comment(
        "let x = crate::world::World::new(); // crate::mechanisms",
    ));
    assert_eq!(found, [vec!["crate", "world", "World", "new"]]);
    assert_eq!(
        strip_line_comment(r#"let s = "a//b"; // c"#),
        r#"let s = "a//b"; "#
    );
    assert_eq!(
        strip_line_comment(r#"let q = '"'; // c"#),
        r#"let q = '"'; "#
    );
    assert_eq!(
        remove_statements("pub use a::b;\nuse c::d;\n", &["pub use "]),
        "\nuse c::d;\n"
    );
    assert!(mentions_path_start("let n = persons::NEVER;", "persons"));
    assert!(!mentions_path_start("world::persons::NEVER", "persons"));
}
