//! One run of the baseline world, timed: the cost a user pays per replicate.
//!
//! Loads `scenarios/baseline.toml` (nine countries, about 100,000 at-risk persons) with the
//! overrides `run.weeks=52` and `run.burn_in=0`, then times `run_replicate(&scenario, 0)`:
//! building the world and stepping it through one recorded year. A year without burn-in keeps
//! `cargo bench` under a minute on a small machine; the full workloads (ten years after a
//! five-year burn-in, sweeps, larger worlds) are future work (`benches/README.md`).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use palermo::run::run_replicate;
use palermo::scenario::{self, Override};

/// The baseline scenario, shortened to one year with no burn-in.
fn baseline_one_year() -> scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let overrides: Vec<Override> = ["run.weeks=52", "run.burn_in=0"]
        .iter()
        .map(|text| Override::parse(text).expect("the bench's overrides are well formed"))
        .collect();
    scenario::load(&path, &overrides).expect("scenarios/baseline.toml is valid")
}

fn run_baseline(c: &mut Criterion) {
    let scenario = baseline_one_year();
    let mut group = c.benchmark_group("run_replicate");
    // Each iteration is a whole run (tens of milliseconds): ten samples are plenty.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("baseline_52_weeks", |b| {
        b.iter(|| run_replicate(black_box(&scenario), black_box(0)))
    });
    group.finish();
}

criterion_group!(benches, run_baseline);
criterion_main!(benches);
