//! A body of `POST /api/run` or `POST /api/check` as `palermo serve` reads it: parsed
//! (`serve::request::parse`), then checked against the catalog of the shipped scenarios
//! (`serve::request::prepare`: the scenario's name, each side's overrides, the caps of
//! replicates, person-weeks and memory); a refusal or a prepared request, never a panic.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use palermo::serve::catalog::Catalog;
use palermo::serve::request;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios"),
        None,
    )
});

fuzz_target!(|body: &str| {
    if let Ok(req) = request::parse(body) {
        let _ = request::prepare(&CATALOG, &req);
    }
});
