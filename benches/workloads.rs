//! The performance workloads of `benches/README.md`, as criterion benchmarks:
//!
//! - `w1_run`: one run of the W1 world (`benches/w1.toml`) at a tenth of its size (100,000
//!   persons, 520 weeks), inside criterion's time budget; the full W1 is timed from the
//!   command line (`docs/PERFORMANCE.md`).
//! - `w2_sweep`: the 200 runs of W2 (`benches/w2.toml`: 50 values of `cooperation.default` by
//!   4 replicates, summaries only) on one thread and on two, for the parallel speed-up.
//! - `w1_build`: building the W1 world (1,000,000 persons), as every run starts.
//! - `w3_week`: one week of the W1 world after a 104-week warm-up.
//! - `w4_baseline`: one replicate of the shipped baseline (`scenarios/baseline.toml`: 100,000
//!   persons, 520 weeks after a 520-week burn-in), world building included, and its ten
//!   replicates on one thread and on two, as runs per second.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use palermo::rng::run_seed;
use palermo::run::{advance, initial_world, run_replicate};
use palermo::scenario::{self, Override, Scenario};
use palermo::world::Scheduling;
use rayon::prelude::*;

fn load(file: &str, sets: &[String]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("a valid override"))
        .collect();
    scenario::load(&path, &overrides).expect("the workload's scenario is valid")
}

/// The W1 world with every country's population multiplied by `factor`.
fn w1(factor: f64) -> Scenario {
    let full = load("benches/w1.toml", &[]);
    let sets: Vec<String> = full
        .countries
        .iter()
        .map(|c| {
            format!(
                "country.{}.at_risk={}",
                c.name,
                (c.params.numbers.at_risk * factor).round()
            )
        })
        .collect();
    load("benches/w1.toml", &sets)
}

fn w1_run(c: &mut Criterion) {
    let scenario = w1(0.1);
    let mut group = c.benchmark_group("w1_run");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("100k_persons_520_weeks", |b| {
        b.iter(|| run_replicate(black_box(&scenario), 0))
    });
    group.finish();
}

fn thread_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

/// The 200 runs of W2, each a pure function of its point and replicate.
fn w2_runs() -> Vec<(Scenario, u32)> {
    (0..50)
        .flat_map(|point| {
            let level = point as f64 / 49.0;
            let scenario = load("benches/w2.toml", &[format!("cooperation.default={level}")]);
            (0..4).map(move |r| (scenario.clone(), r))
        })
        .collect()
}

fn w2_sweep(c: &mut Criterion) {
    let runs = w2_runs();
    let mut group = c.benchmark_group("w2_sweep");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for threads in [1, 2] {
        let pool = thread_pool(threads);
        group.bench_function(format!("200_runs_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    runs.par_iter()
                        .map(|(s, r)| run_replicate(s, *r).summary.victims_total)
                        .sum::<u64>()
                })
            })
        });
    }
    group.finish();
}

/// Building W1's world (1,000,000 persons): the persons and their first waiting times, the
/// networks; the target is 60 ms per million persons. Each world is dropped outside
/// the timing, but its memory is the system's to give again, page by page, as in a run.
fn w1_build(c: &mut Criterion) {
    let scenario = w1(1.0);
    let seed = run_seed(scenario.run.seed, 0);
    let mut group = c.benchmark_group("w1_build");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("1m_persons", |b| {
        b.iter_batched(
            || (),
            |()| initial_world(black_box(&scenario), seed, Scheduling::Calendar),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn w3_week(c: &mut Criterion) {
    let scenario = w1(1.0);
    let mut world = initial_world(
        &scenario,
        run_seed(scenario.run.seed, 0),
        Scheduling::Calendar,
    );
    advance(&mut world, 104);
    let mut group = c.benchmark_group("w3_week");
    group.sample_size(20);
    group.bench_function("1m_persons_one_week", |b| {
        b.iter_batched(
            || world.clone(),
            |mut w| {
                advance(&mut w, 1);
                w
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn w4_baseline(c: &mut Criterion) {
    let scenario = load("scenarios/baseline.toml", &[]);
    let mut group = c.benchmark_group("w4_baseline");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_replicate", |b| {
        b.iter(|| run_replicate(black_box(&scenario), 0).summary.victims_total)
    });
    let replicates = scenario.run.replicates;
    group.throughput(Throughput::Elements(replicates as u64));
    for threads in [1, 2] {
        let pool = thread_pool(threads);
        group.bench_function(format!("{replicates}_replicates_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    (0..replicates)
                        .into_par_iter()
                        .map(|r| run_replicate(&scenario, r).summary.victims_total)
                        .sum::<u64>()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(workloads, w1_run, w1_build, w2_sweep, w3_week, w4_baseline);
criterion_main!(workloads);
