//! Parallel work in run order: palermo's only use of threads (rayon).
//!
//! [`map`] runs independent jobs and collects their results in job order (`palermo compare`:
//! every result is kept). [`ordered`] streams them instead (`palermo run`, sweeps): workers on a rayon pool take job indices in increasing order; the calling thread receives
//! the results in index order, whatever order they finish in, through a reorder buffer. A
//! worker may not start job `j` until job `j − window` has been handed over, so at most
//! `window` results wait in memory (back-pressure), and the output never depends on the
//! number of threads or on scheduling. A failure (or a panic) stops the workers after their
//! current job; the first error in job order is returned.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use std::num::NonZeroUsize;

use rayon::ThreadPool;
use rayon::prelude::*;

/// The most worker threads a pool may have (`--threads`). Each thread costs a stack and
/// memory maps, and a request for tens of thousands can fail inside the new threads, where
/// no error can be returned; no machine palermo runs on needs more.
pub const MAX_THREADS: usize = 1024;

/// A pool of `threads` worker threads (all cores when `None`); an error, never a panic, when
/// the count is above [`MAX_THREADS`] or the system refuses the threads.
pub fn pool(threads: Option<NonZeroUsize>) -> Result<ThreadPool, String> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n.get() > MAX_THREADS {
            return Err(format!(
                "cannot start {n} worker threads: at most {MAX_THREADS}"
            ));
        }
        builder = builder.num_threads(n.get());
    }
    builder
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
}

/// The threads of a pool made with `threads` (all cores when `None`, as rayon counts them:
/// `RAYON_NUM_THREADS`, else the available parallelism), without starting them.
pub fn thread_count(threads: Option<NonZeroUsize>) -> usize {
    threads.map_or_else(rayon::current_num_threads, NonZeroUsize::get)
}

/// How many finished results [`ordered`] lets wait for their turn on `threads` workers:
/// enough to keep every thread busy while one slow job is awaited.
pub fn window(threads: usize) -> usize {
    4 * threads.max(1)
}

/// Runs `work(j)` for `j` in `0..jobs` on `pool` and returns the results in job order (the
/// first error in job order, if any).
pub fn map<T, E, W>(pool: &ThreadPool, jobs: usize, work: W) -> Result<Vec<T>, E>
where
    T: Send,
    E: Send,
    W: Fn(usize) -> Result<T, E> + Sync + Send,
{
    pool.install(|| (0..jobs).into_par_iter().map(work).collect())
}

/// A job's outcome, or the payload of its panic.
enum Outcome<T, E> {
    Done(Result<T, E>),
    Panicked(Box<dyn std::any::Any + Send>),
}

struct Inner<T, E> {
    ready: BTreeMap<usize, Outcome<T, E>>,
    /// Jobs handed over so far (the next one to hand over).
    handed: usize,
    stop: bool,
}

struct Shared<T, E> {
    inner: Mutex<Inner<T, E>>,
    changed: Condvar,
    next: AtomicUsize,
}

impl<T, E> Shared<T, E> {
    fn lock(&self) -> MutexGuard<'_, Inner<T, E>> {
        // A panic never happens while the lock is held (jobs run outside it), so a poisoned
        // lock still holds consistent data.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'g>(&self, guard: MutexGuard<'g, Inner<T, E>>) -> MutexGuard<'g, Inner<T, E>> {
        self.changed.wait(guard).unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs `work(j)` for `j` in `0..jobs` on `pool`, and calls `consume(j, result)` on this
/// thread in increasing `j`. Stops at the first error of `work` or `consume`.
pub fn ordered<T, E, W, C>(
    pool: &ThreadPool,
    jobs: usize,
    window: usize,
    work: W,
    mut consume: C,
) -> Result<(), E>
where
    T: Send,
    E: Send,
    W: Fn(usize) -> Result<T, E> + Sync,
    C: FnMut(usize, T) -> Result<(), E>,
{
    let window = window.max(1);
    let shared = Shared {
        inner: Mutex::new(Inner {
            ready: BTreeMap::new(),
            handed: 0,
            stop: false,
        }),
        changed: Condvar::new(),
        next: AtomicUsize::new(0),
    };
    let workers = pool.current_num_threads().min(jobs);
    let mut result = Ok(());
    let mut panic = None;
    pool.in_place_scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| worker(&shared, jobs, window, &work));
        }
        for j in 0..jobs {
            let outcome = {
                let mut inner = shared.lock();
                loop {
                    if let Some(outcome) = inner.ready.remove(&j) {
                        inner.handed = j + 1;
                        shared.changed.notify_all();
                        break outcome;
                    }
                    inner = shared.wait(inner);
                }
            };
            match outcome {
                Outcome::Done(Ok(value)) => {
                    if let Err(e) = consume(j, value) {
                        result = Err(e);
                        break;
                    }
                }
                Outcome::Done(Err(e)) => {
                    result = Err(e);
                    break;
                }
                Outcome::Panicked(payload) => {
                    panic = Some(payload);
                    break;
                }
            }
        }
        shared.lock().stop = true;
        shared.changed.notify_all();
    });
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    result
}

fn worker<T, E, W>(shared: &Shared<T, E>, jobs: usize, window: usize, work: &W)
where
    W: Fn(usize) -> Result<T, E> + Sync,
{
    loop {
        let j = shared.next.fetch_add(1, Ordering::Relaxed);
        if j >= jobs {
            return;
        }
        {
            let mut inner = shared.lock();
            while !inner.stop && j >= inner.handed + window {
                inner = shared.wait(inner);
            }
            if inner.stop {
                return;
            }
        }
        let outcome = match catch_unwind(AssertUnwindSafe(|| work(j))) {
            Ok(result) => Outcome::Done(result),
            Err(payload) => Outcome::Panicked(payload),
        };
        let mut inner = shared.lock();
        if inner.stop {
            return;
        }
        inner.ready.insert(j, outcome);
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn pool(threads: usize) -> ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    /// A job whose duration varies, so that jobs finish out of order.
    fn slow_square(j: usize) -> Result<usize, String> {
        let spin = (j * 7919) % 13;
        std::thread::sleep(std::time::Duration::from_micros(50 * spin as u64));
        Ok(j * j)
    }

    #[test]
    fn results_arrive_in_order_whatever_the_threads() {
        for threads in [1, 2, 4, 8] {
            for window in [1, 3, 64] {
                let mut seen = Vec::new();
                ordered(&pool(threads), 100, window, slow_square, |j, v| {
                    seen.push((j, v));
                    Ok::<(), String>(())
                })
                .unwrap();
                let expected: Vec<(usize, usize)> = (0..100).map(|j| (j, j * j)).collect();
                assert_eq!(seen, expected, "{threads} threads, window {window}");
            }
        }
        ordered(&pool(2), 0, 4, slow_square, |_, _| Ok::<(), String>(())).unwrap();
    }

    #[test]
    fn no_job_runs_more_than_a_window_ahead() {
        let handed = AtomicUsize::new(0);
        let window = 5;
        let max_ahead = AtomicUsize::new(0);
        ordered(
            &pool(4),
            200,
            window,
            |j| {
                let ahead = j - handed.load(Ordering::SeqCst).min(j);
                max_ahead.fetch_max(ahead, Ordering::SeqCst);
                slow_square(j)
            },
            |j, _| {
                handed.store(j + 1, Ordering::SeqCst);
                Ok::<(), String>(())
            },
        )
        .unwrap();
        assert!(max_ahead.load(Ordering::SeqCst) <= window);
    }

    #[test]
    fn the_first_error_in_order_stops_everything() {
        let started = AtomicUsize::new(0);
        let e = ordered(
            &pool(3),
            1000,
            4,
            |j| {
                started.fetch_add(1, Ordering::SeqCst);
                if j == 20 || j == 25 {
                    Err(format!("job {j}"))
                } else {
                    slow_square(j)
                }
            },
            |_, _| Ok(()),
        )
        .unwrap_err();
        assert_eq!(e, "job 20");
        assert!(started.load(Ordering::SeqCst) < 40, "workers stopped early");

        let e = ordered(&pool(2), 50, 4, slow_square, |j, _| {
            if j == 7 {
                Err("consumer".to_string())
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(e, "consumer");
    }

    #[test]
    fn too_many_threads_are_an_error() {
        let n = NonZeroUsize::new(MAX_THREADS + 1).unwrap();
        let e = super::pool(Some(n)).unwrap_err();
        assert!(e.contains("at most 1024"), "{e}");
        assert!(super::pool(NonZeroUsize::new(2)).is_ok());
    }

    #[test]
    fn a_panicking_job_is_a_panic_of_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            ordered(
                &pool(2),
                10,
                2,
                |j| {
                    if j == 3 {
                        panic!("job three");
                    }
                    Ok::<usize, String>(j)
                },
                |_, _| Ok(()),
            )
        });
        assert!(caught.is_err());
    }
}
