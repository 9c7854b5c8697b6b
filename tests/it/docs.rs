//! The documentation tells the truth about the code: the parameter table of `docs/ODD.md` is
//! exactly what `palermo params --markdown` generates from the one parameter table, and the
//! baseline's validation table of `docs/VALIDATION.md` is what `palermo validate` prints.

use std::fs;
use std::path::Path;

#[test]
fn odd_parameter_table_is_generated_from_the_code() {
    let odd =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ODD.md")).unwrap();
    let begin = "<!-- params:begin -->\n";
    let start = odd.find(begin).expect("ODD.md has a params:begin marker") + begin.len();
    let end = odd
        .find("<!-- params:end -->")
        .expect("ODD.md has a params:end marker");
    assert!(
        odd[start..end] == palermo::output::params_markdown(),
        "docs/ODD.md's parameter table is stale: replace it with `palermo params --markdown`"
    );
}

/// `docs/VALIDATION.md`'s table of the baseline is what `palermo validate
/// scenarios/baseline.toml --targets targets/baseline.toml --markdown` prints (the
/// scenario's own ten replicates; a few seconds).
#[test]
fn validation_table_is_generated_by_the_command() {
    use palermo::validation::{Targets, validate};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/VALIDATION.md")).unwrap();
    let begin = "<!-- validate:begin -->\n";
    let start = doc
        .find(begin)
        .expect("VALIDATION.md has a validate:begin marker")
        + begin.len();
    let end = doc
        .find("<!-- validate:end -->")
        .expect("VALIDATION.md has a validate:end marker");
    let scenario = palermo::scenario::load(&root.join("scenarios/baseline.toml"), &[]).unwrap();
    let targets = Targets::load(&root.join("targets/baseline.toml")).unwrap();
    let resolved = targets.resolve(&scenario).unwrap();
    let done = validate(&scenario, &targets, &resolved, None, &|| {}).unwrap();
    assert!(
        doc[start..end] == done.markdown(),
        "docs/VALIDATION.md's baseline table is stale: replace it with the output of\n\
         palermo validate scenarios/baseline.toml --targets targets/baseline.toml --markdown\n{}",
        done.markdown()
    );
}
