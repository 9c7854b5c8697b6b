//! The documentation tells the truth about the code: the parameter table of `docs/ODD.md` is
//! exactly what `palermo params --markdown` generates from the one parameter table.

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
