//! The step loop allocates nothing (issue 4): once a world is warmed up, stepping it week
//! after week asks the allocator for (almost) nothing. A counting global allocator, which is
//! why this is a test binary of its own.
//!
//! "Almost": buffers that are reused every week (rosters, calendar buckets, scratch lists)
//! still grow now and then, when one of them reaches a size it has never had. That is rare
//! and becomes rarer; anything done every week (a table collected, a list cloned) would give
//! at least one allocation a week, which is what this test catches.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use palermo::run::advance;
use palermo::run::initial_world;
use palermo::world::Scheduling;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn warm_weeks_do_not_allocate() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    let mut scenario = palermo::scenario::load(std::path::Path::new(path), &[]).unwrap();
    scenario.policies.clear();
    scenario.shocks.clear();
    let mut world = initial_world(&scenario, 7, Scheduling::Calendar);
    // Past the baseline's burn-in, so that the buffers are near their working sizes.
    advance(&mut world, 1000);
    let weeks = 200;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    advance(&mut world, weeks);
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    println!("{allocations} allocations in {weeks} weeks");
    assert!(
        allocations < weeks as usize / 4,
        "{allocations} allocations in {weeks} weeks: something allocates every week"
    );
}
