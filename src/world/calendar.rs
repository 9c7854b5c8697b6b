//! A calendar of future events for persons with nothing else happening: the week a person at
//! home starts seeking work abroad, or the week a safe migrant returns.
//!
//! A weekly hazard `h` that stays constant gives a geometric waiting time: drawing it once
//! and waking the person at that week is the same, in distribution, as asking every week
//! (MODEL.md §2 step 2), at a tiny fraction of the cost. When a hazard changes (a policy on
//! wages, a shock), the affected persons' waiting times are drawn again from the new hazard;
//! by memorylessness this is exact. Entries made obsolete by a redraw stay in the calendar and
//! are recognized when they come due (the person's `due` week no longer matches); the
//! calendar is compacted when they outnumber the live ones.

use std::sync::LazyLock;

use rand::Rng;
use rand_distr::Exp1;

/// Weeks until the first success of a weekly Bernoulli(`hazard`) trial, counting from 0 (the
/// first week tried), from a standard exponential `e`; `None` if it never happens.
pub fn geometric_weeks(hazard: f64, e: f64) -> Option<u32> {
    GeometricWait::at(hazard).weeks(|| e)
}

/// λ = −ln(1 − h) of a hazard `h` in (0, 1); `ln_1p` keeps tiny hazards exact (ln(1 − 1e-300)
/// would round to 0).
fn rate(hazard: f64) -> f64 {
    -(-hazard).ln_1p()
}

/// K = floor(e / λ) for a standard exponential `e` and λ = −ln(1 − h): P(K >= k) =
/// P(e >= k λ) = exp(−k λ) = (1 − h)^k, one logarithm where inverting a uniform took two.
/// `None` past the weeks a `u32` counts.
fn weeks_at_rate(e: f64, rate: f64) -> Option<u32> {
    let k = e / rate;
    // k >= 0, so the conversion's truncation is the floor (without a call to `floor`, which
    // the baseline x86-64 target has no instruction for).
    (k < u32::MAX as f64 / 2.0).then_some(k as u32)
}

/// The law of a geometric waiting time at a weekly hazard, with its rate λ = −ln(1 − h)
/// computed once: where many persons share a hazard (a country's exits this week, every safe
/// migrant's return), each of their waits is drawn without a logarithm. A draw is
/// [`geometric_weeks`] of the same hazard and the exponential drawn; the exponential is drawn
/// by the ziggurat method (no logarithm either), and only for a hazard strictly between 0
/// and 1.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GeometricWait {
    /// −ln(1 − h): 0 for a hazard of 0 or less (never), infinite for 1 or more (at once).
    rate: f64,
}

impl GeometricWait {
    /// The law of a hazard of 0 (or less): never.
    const NEVER: GeometricWait = GeometricWait { rate: 0.0 };
    /// The law of a hazard of 1 (or more): at once.
    const AT_ONCE: GeometricWait = GeometricWait {
        rate: f64::INFINITY,
    };

    pub fn at(hazard: f64) -> GeometricWait {
        if hazard >= 1.0 {
            GeometricWait::AT_ONCE
        } else if hazard > 0.0 {
            GeometricWait { rate: rate(hazard) }
        } else {
            // Also a hazard that is not a number: never, as `geometric_weeks` has it.
            GeometricWait::NEVER
        }
    }

    /// A waiting time (`None`: never).
    #[inline]
    pub fn draw(self, rng: &mut impl Rng) -> Option<u32> {
        self.weeks(|| rng.sample(Exp1))
    }

    /// The waiting time that the standard exponential `exponential()` gives at this law,
    /// which is asked for only for a hazard strictly between 0 and 1.
    #[inline]
    fn weeks(self, exponential: impl FnOnce() -> f64) -> Option<u32> {
        if self.rate == GeometricWait::NEVER.rate {
            None
        } else if self.rate == GeometricWait::AT_ONCE.rate {
            Some(0)
        } else {
            weeks_at_rate(exponential(), self.rate)
        }
    }
}

/// A hazard stored as `f32` (a person's thinning bound), rounded up so that it stays a bound;
/// the waiting time is drawn with the stored value, which the thinning divides by.
fn stored_bound(hazard: f64) -> f32 {
    let stored = hazard as f32;
    if (stored as f64) < hazard {
        stored.next_up()
    } else {
        stored
    }
}

/// Mantissa bits kept by the grid of [`GridBound`]: a bound is at most 2⁻⁶ (1.6 %) above the
/// hazard it bounds, so that thinning wastes at most that share of candidate weeks.
const GRID_BITS: u32 = 6;

/// The grid's smallest power of two, 2⁻⁴⁰; a bound below it has its rate computed.
const GRID_MIN_EXPONENT: i32 = -40;

/// How the grid's values are found from an `f64`'s bits: the mantissa bits below the kept
/// ones, and the index (the bits above them) of the smallest grid value, 2⁻⁴⁰, and of 1.
const GRID_SHIFT: u32 = 52 - GRID_BITS;
const GRID_BASE: u64 = ((1023 + GRID_MIN_EXPONENT) as u64) << GRID_BITS;
const GRID_ONE: u64 = 1023 << GRID_BITS;

/// The rates λ = −ln(1 − g) of the grid values g from 2⁻⁴⁰ up to (not including) 1, computed
/// once per process (a pure function of the index: the same in every run and thread).
static GRID_RATES: LazyLock<Vec<f64>> = LazyLock::new(|| {
    (GRID_BASE..GRID_ONE)
        .map(|index| rate(f64::from_bits(index << GRID_SHIFT)))
        .collect()
});

/// An upper bound of a weekly hazard that a thinned calendar schedules with: the hazard
/// rounded up to the next value of a grid (numbers with 6 mantissa bits, so exactly the `f32`
/// a person's record keeps), whose rate λ = −ln(1 − bound) comes from a table instead of a
/// logarithm per draw. Waiting times drawn at the bound and thinned when woken (each outcome
/// with its weekly probability over the bound) are exact; the grid only makes woken
/// candidates with nothing happening a little more frequent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridBound {
    /// The bound, as the `f32` a person's record keeps.
    pub hazard: f32,
    /// The waiting time's law at the bound, its rate from the table.
    wait: GeometricWait,
}

impl GridBound {
    /// The smallest grid value at or above `hazard` (clamped to [0, 1]).
    #[inline]
    pub fn at_least(hazard: f64) -> GridBound {
        if hazard.is_nan() || hazard <= 0.0 {
            return GridBound {
                hazard: 0.0,
                wait: GeometricWait::NEVER,
            };
        }
        // Rounding the mantissa up may carry into the exponent: still the next grid value.
        let step = 1u64 << GRID_SHIFT;
        let bits = (hazard.min(1.0).to_bits() + step - 1) & !(step - 1);
        let index = bits >> GRID_SHIFT;
        if index >= GRID_ONE {
            return GridBound {
                hazard: 1.0,
                wait: GeometricWait::AT_ONCE,
            };
        }
        match index.checked_sub(GRID_BASE) {
            Some(i) => GridBound {
                hazard: f64::from_bits(bits) as f32,
                wait: GeometricWait {
                    rate: GRID_RATES[i as usize],
                },
            },
            // Below the table (and perhaps below the normal `f32`s): the stored value is
            // rounded up again, and its rate computed.
            None => {
                let hazard = stored_bound(f64::from_bits(bits));
                GridBound {
                    hazard,
                    wait: GeometricWait::at(hazard as f64),
                }
            }
        }
    }

    /// A geometric waiting time at this bound (see [`geometric_weeks`]).
    pub fn wait(self, rng: &mut impl Rng) -> Option<u32> {
        self.wait.draw(rng)
    }
}

/// Weeks covered by the wheel of buckets of [`Calendar::default`]; later events wait in the
/// far list.
const WHEEL_WEEKS: u32 = 256;

/// A timing wheel: one bucket of persons per week for the next `wheel_weeks` weeks, and a
/// list of later events that is swept into the wheel as time reaches them. Pushing is O(1);
/// the persons due in a week come out of their bucket in the order they were put in.
#[derive(Clone, Debug)]
pub struct Calendar {
    buckets: Vec<Vec<u32>>,
    far: Vec<(u32, u32)>,
    /// The first week the wheel covers: buckets hold weeks `start..start + wheel_weeks`.
    start: u32,
    /// Entries known to have been superseded by a redraw.
    stale: usize,
    len: usize,
    /// Weeks the wheel covers (its number of buckets, a power of two).
    wheel_weeks: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::with_wheel(WHEEL_WEEKS)
    }
}

impl Calendar {
    /// A calendar whose wheel covers `weeks` weeks (rounded up to a power of two, so that a
    /// week's bucket is found with a mask, not a division). Each bucket keeps the largest
    /// size it has had (so that no week allocates): a calendar of short waits, most of which
    /// fall within a few weeks, takes less memory with a shorter wheel.
    pub fn with_wheel(weeks: u32) -> Calendar {
        let weeks = weeks.max(1).next_power_of_two();
        Calendar {
            buckets: vec![Vec::new(); weeks as usize],
            far: Vec::new(),
            start: 0,
            stale: 0,
            len: 0,
            wheel_weeks: weeks,
        }
    }

    /// The mask that gives a week's bucket.
    fn mask(&self) -> u32 {
        self.wheel_weeks - 1
    }

    /// The bucket of `week`.
    fn slot(&self, week: u32) -> usize {
        (week & self.mask()) as usize
    }

    pub fn push(&mut self, week: u32, person: u32) {
        self.len += 1;
        if week < self.start.saturating_add(self.wheel_weeks) {
            // Never earlier than the wheel: an event due before `start` is due now.
            let week = week.max(self.start);
            let slot = self.slot(week);
            self.buckets[slot].push(person);
        } else {
            self.far.push((week, person));
        }
    }

    /// Records that one entry was superseded (the person was rescheduled or left the state).
    pub fn supersede(&mut self) {
        self.stale += 1;
    }

    /// Takes the persons due in `week` (weeks must be visited in order, none skipped), into
    /// `out` (cleared first). Entries may be stale: the caller checks each person's `due`.
    pub fn take_due(&mut self, week: u32, out: &mut Vec<u32>) {
        out.clear();
        while self.start < week {
            // A week nobody visited: its entries are due now.
            let slot = self.slot(self.start);
            let skipped = std::mem::take(&mut self.buckets[slot]);
            self.start += 1;
            self.sweep_far();
            let slot = self.slot(week);
            self.buckets[slot].extend(skipped);
        }
        // Drain rather than swap: each bucket keeps its own capacity, and the caller's buffer
        // (sized for the largest roster) is not passed around the wheel.
        let slot = self.slot(week);
        out.append(&mut self.buckets[slot]);
        self.len -= out.len();
        self.start = week + 1;
        self.sweep_far();
    }

    /// Moves far events that the wheel now covers into their buckets (once per turn of the
    /// wheel, so that the far list is scanned rarely).
    fn sweep_far(&mut self) {
        if self.start & self.mask() != 0 {
            return;
        }
        let horizon = self.start.saturating_add(self.wheel_weeks);
        let mut k = 0;
        while k < self.far.len() {
            let (week, p) = self.far[k];
            if week < horizon {
                self.far.swap_remove(k);
                let slot = self.slot(week.max(self.start));
                self.buckets[slot].push(p);
            } else {
                k += 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops superseded entries once they are more than half of the calendar, keeping those
    /// `live` says are still valid for the week they are filed under.
    pub fn compact_if_stale(&mut self, live: impl Fn(u32, u32) -> bool) {
        if self.stale * 2 <= self.len {
            return;
        }
        let (start, weeks, mask) = (self.start, self.wheel_weeks, self.mask());
        let mut len = 0;
        for (i, bucket) in self.buckets.iter_mut().enumerate() {
            // The week bucket `i` holds: the one in start..start + wheel_weeks with that residue.
            let offset = (i as u32 + weeks - (start & mask)) & mask;
            let week = start + offset;
            bucket.retain(|&p| live(week, p));
            len += bucket.len();
        }
        self.far.retain(|&(w, p)| live(w, p));
        self.len = len + self.far.len();
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_waiting_times_have_the_right_mean() {
        let h = 0.05;
        let n = 100_000;
        // Exponentials by inversion of evenly spaced uniforms.
        let exponential = |i: usize| -(-((i as f64 + 0.5) / n as f64)).ln_1p();
        let mean = (0..n)
            .map(|i| geometric_weeks(h, exponential(i)).unwrap() as f64)
            .sum::<f64>()
            / n as f64;
        // E[K] = (1 − h) / h = 19.
        assert!((mean - 19.0).abs() < 0.1, "{mean}");
        // P(K = 0) = h.
        let zeros = (0..n)
            .filter(|&i| geometric_weeks(h, exponential(i)) == Some(0))
            .count();
        assert!((zeros as f64 / n as f64 - h).abs() < 1e-3, "{zeros}");
        assert_eq!(geometric_weeks(0.0, 0.5), None);
        assert_eq!(geometric_weeks(1.0, 0.5), Some(0));
        assert_eq!(geometric_weeks(0.5, 0.0), Some(0));
        assert_eq!(geometric_weeks(1e-300, 7.0), None);
    }

    #[test]
    fn grid_bounds_are_the_next_grid_value_with_its_rate() {
        for h in [
            1e-12, 1e-6, 0.000_37, 0.01, 0.1, 0.123_456, 0.5, 0.98, 0.999_999,
        ] {
            let b = GridBound::at_least(h);
            let g = b.hazard as f64;
            // Above the hazard, by at most one grid step (2^-6 relative), and on the grid.
            assert!(g >= h && g <= h * (1.0 + 1.0 / 64.0) + 1e-300, "{h}: {g}");
            assert_eq!(b.hazard.to_bits() & ((1 << (23 - GRID_BITS)) - 1), 0, "{h}");
            // The tabulated rate is the bound's own.
            let rate = -(-g).ln_1p();
            assert_eq!(b.wait.rate, rate, "{h}");
            // A hazard on the grid is its own bound.
            assert_eq!(GridBound::at_least(g), b, "{h}");
        }
        // Below the table: computed, not looked up.
        let tiny = GridBound::at_least(1e-15);
        assert!(tiny.hazard as f64 >= 1e-15 && tiny.wait.rate == -(-(tiny.hazard as f64)).ln_1p());
        assert_eq!(GridBound::at_least(0.0).hazard, 0.0);
        assert_eq!(GridBound::at_least(1.0).hazard, 1.0);
        assert_eq!(GridBound::at_least(0.999_999_9).hazard, 1.0);
        let mut rng = crate::rng::stream(4, crate::rng::Stream::Recruitment);
        assert_eq!(GridBound::at_least(0.0).wait(&mut rng), None);
        assert_eq!(GridBound::at_least(1.0).wait(&mut rng), Some(0));
    }

    #[test]
    fn waits_at_a_grid_bound_are_geometric_at_the_bound() {
        let mut rng = crate::rng::stream(5, crate::rng::Stream::Recruitment);
        let bound = GridBound::at_least(0.17);
        let (h, n) = (bound.hazard as f64, 200_000);
        let waits: Vec<u32> = (0..n).map(|_| bound.wait(&mut rng).unwrap()).collect();
        for k in 0..6 {
            let p = h * (1.0 - h).powi(k);
            let observed = waits.iter().filter(|&&w| w == k as u32).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((observed - p).abs() < 5.0 * se, "k {k}: {observed} vs {p}");
        }
    }

    #[test]
    fn drawn_waiting_times_are_geometric() {
        let mut rng = crate::rng::stream(3, crate::rng::Stream::Migration);
        let (h, n) = (0.2, 200_000);
        let waits: Vec<u32> = (0..n)
            .map(|_| GeometricWait::at(h).draw(&mut rng).unwrap())
            .collect();
        // P(K = k) = h (1 − h)^k for the first weeks, each within 5 standard errors.
        for k in 0..6 {
            let p = h * (1.0 - h).powi(k);
            let observed = waits.iter().filter(|&&w| w == k as u32).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((observed - p).abs() < 5.0 * se, "k {k}: {observed} vs {p}");
        }
        assert_eq!(GeometricWait::at(0.0).draw(&mut rng), None);
        assert_eq!(GeometricWait::at(1.0).draw(&mut rng), Some(0));
        let b = stored_bound(0.1);
        assert!(b as f64 >= 0.1 && (b as f64) < 0.1 + 1e-8);
    }

    #[test]
    fn a_wait_drawn_from_its_law_is_the_geometric_weeks_of_its_exponential() {
        // The same stream twice: one draws the exponential itself, one the wait.
        let stream = || crate::rng::stream(6, crate::rng::Stream::Exploitation);
        let (mut exponentials, mut waits) = (stream(), stream());
        for h in [
            1e-300,
            1e-12,
            0.000_37,
            0.01,
            0.123_456,
            0.5,
            0.98,
            1.0 - 1e-12,
        ] {
            let law = GeometricWait::at(h);
            for _ in 0..1000 {
                let e: f64 = exponentials.sample(Exp1);
                assert_eq!(law.draw(&mut waits), geometric_weeks(h, e), "{h}, {e}");
            }
        }
        // No exponential is drawn for a hazard of 0, 1, beyond, or not a number.
        for h in [0.0, -0.5, 1.0, 1.5, f64::NAN] {
            assert_eq!(
                GeometricWait::at(h).draw(&mut waits),
                geometric_weeks(h, 0.0)
            );
        }
        assert_eq!(waits.random::<u64>(), exponentials.random::<u64>());
    }

    fn due(c: &mut Calendar, week: u32) -> Vec<u32> {
        let mut out = Vec::new();
        c.take_due(week, &mut out);
        out
    }

    #[test]
    fn persons_come_out_in_their_week_near_and_far() {
        let mut c = Calendar::default();
        c.push(5, 1);
        c.push(2, 7);
        c.push(5, 0);
        c.push(1000, 3);
        c.push(300, 4);
        assert_eq!(c.len(), 5);
        assert_eq!(due(&mut c, 0), Vec::<u32>::new());
        assert_eq!(due(&mut c, 1), Vec::<u32>::new());
        assert_eq!(due(&mut c, 2), vec![7]);
        for w in 3..5 {
            assert!(due(&mut c, w).is_empty());
        }
        assert_eq!(due(&mut c, 5), vec![1, 0]);
        for w in 6..300 {
            assert!(due(&mut c, w).is_empty(), "week {w}");
        }
        assert_eq!(due(&mut c, 300), vec![4]);
        for w in 301..1000 {
            assert!(due(&mut c, w).is_empty(), "week {w}");
        }
        assert_eq!(due(&mut c, 1000), vec![3]);
        assert!(c.is_empty());
    }

    #[test]
    fn compaction_keeps_live_entries() {
        let mut c = Calendar::default();
        c.push(1, 1);
        c.push(2, 2);
        c.push(3, 3);
        c.push(900, 4);
        c.supersede();
        c.supersede();
        c.supersede();
        c.compact_if_stale(|w, p| (w, p) == (2, 2) || (w, p) == (900, 4));
        assert_eq!(c.len(), 2);
        assert!(due(&mut c, 0).is_empty());
        assert!(due(&mut c, 1).is_empty());
        assert_eq!(due(&mut c, 2), vec![2]);
    }

    #[test]
    fn a_short_wheel_gives_the_same_weeks() {
        let (mut long, mut short) = (Calendar::default(), Calendar::with_wheel(8));
        for (week, p) in [(3, 0), (7, 1), (8, 2), (9, 3), (40, 4), (17, 5), (16, 6)] {
            long.push(week, p);
            short.push(week, p);
        }
        for week in 0..50 {
            let (mut a, mut b) = (due(&mut long, week), due(&mut short, week));
            a.sort();
            b.sort();
            assert_eq!(a, b, "week {week}");
            if week == 12 {
                long.push(30, 7);
                short.push(30, 7);
            }
        }
        assert!(short.is_empty() && long.is_empty());
    }
}
