//! The world of one run: countries, cooperation, persons, traffickers, networks and
//! enforcement agencies (MODEL.md §1), in `Vec`s indexed by typed ids.
//!
//! Nothing here touches files, clocks, threads or the terminal, and nothing here calls the
//! mechanisms: the world's state is built from a scenario and a run seed by
//! [`build::build_world`], completed by [`mechanisms::initialize`](crate::mechanisms::initialize)
//! and changed only by the mechanisms.

pub mod agency;
pub mod build;
pub mod calendar;
pub mod cooperation;
mod memory;
pub mod network;
pub mod persons;
pub mod vulnerability;

pub use crate::ids::{CountryId, NetworkId, TraffickerId};
pub use agency::{Agency, Arrest, Case, CaseSource, Channel, Identification, Investigation, Lead};
pub use build::build_world;
pub use calendar::{Calendar, GeometricWait};
pub use cooperation::Cooperation;
pub use network::{Network, Role, Route, Trafficker, TraffickerState};
pub use persons::{PersonState, Persons, Roster, RosterTag};
pub use vulnerability::Vulnerability;

use rand_chacha::ChaCha8Rng;

use crate::metrics::{RouteFlows, WeekCounters};
use crate::params::{CountryParams, ModelParams, Offence};
use crate::rng::{Stream, stream};
use crate::scenario::{CooperationSpec, Dismantling, Policy, Shock};

/// A country: its current parameters (changed by the policy timeline) and what the
/// mechanisms derive from them each week.
#[derive(Clone, Debug)]
pub struct Country {
    pub name: String,
    pub params: CountryParams,
    /// Countries a route may cross into directly from here.
    pub borders: Vec<CountryId>,
    /// Product of the vulnerability multipliers of the shocks active this week (1 = none).
    pub shock: f64,
    /// The best wage gain a migrant from here can reach within two borders, this week, and
    /// where (safe migrants go there).
    pub wage_gap: f64,
    pub best_destination: CountryId,
    /// Enforcement risk networks perceive here before their own losses, learned with a lag
    /// (step 10).
    pub structural_risk: f64,
    /// The wage gap and shock the migration calendar of this country was drawn with: when
    /// either changes, the waiting times are drawn again (step 2).
    pub scheduled_with: (f64, f64),
    /// This week's probability that a seeker from here meets a deceptive offer (step 3).
    pub offer_probability: f64,
    /// The ceilings the offer calendar of this country's seekers was drawn with (step 3).
    pub offer_ceiling: OfferCeiling,
}

/// Ceilings on what a seeker's weekly chance of an event depends on in their home country:
/// the offer probability, `legal_migration` and the shock. Every seeker of the country waits
/// in the offer calendar at a bound computed from them; when this week's values pass one, the
/// country's seekers are drawn again (step 3, `mechanisms::seeking`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OfferCeiling {
    pub offer: f64,
    pub legal: f64,
    pub shock: f64,
    /// The week they were set ([`persons::NEVER`] before the first).
    pub set_in: u32,
}

/// The weekly exit hazards (inspection, police, NGO, self-report, escape), their sum, and the
/// weekly revenue of a victim, for one country and form class (step 5).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExitRow {
    pub hazards: [f64; 5],
    pub total: f64,
    /// The law of the wait to leave at `total`, its rate computed once for the row.
    pub wait: GeometricWait,
    pub revenue: f64,
}

/// How persons at home, seekers, safe migrants and exploited persons are visited (see
/// `world::calendar`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheduling {
    /// Waiting times drawn once and kept in calendars: the fast path, always used in runs.
    Calendar,
    /// Every person asked every week, as MODEL.md states the process: the plain reference
    /// that tests compare the calendar against.
    Weekly,
}

/// A parameter a policy changes, and where.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    Country(CountryId, String),
    Bloc(usize),
    Pair(CountryId, CountryId),
}

/// A numeric change in progress: the value moves linearly from `from` to `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ramp {
    pub slot: Slot,
    pub from: f64,
    pub to: f64,
    pub start: u32,
    pub weeks: u32,
}

/// One stream per mechanism (see [`crate::rng`]), and the stream of the world's building.
#[derive(Clone, Debug)]
pub struct Rngs {
    /// Building the world and the mechanisms' initialization (founding the networks), in that
    /// order; not drawn from once the weeks begin.
    pub build: ChaCha8Rng,
    pub migration: ChaCha8Rng,
    pub recruitment: ChaCha8Rng,
    pub transit: ChaCha8Rng,
    pub exploitation: ChaCha8Rng,
    pub support: ChaCha8Rng,
    pub investigation: ChaCha8Rng,
    pub prosecution: ChaCha8Rng,
    pub intelligence: ChaCha8Rng,
    pub adaptation: ChaCha8Rng,
    pub retrafficking: ChaCha8Rng,
    /// Whether an escaped victim comes forward (step 5, `mechanisms::coming_forward`).
    pub coming_forward: ChaCha8Rng,
    /// Who a targeted dismantling arrests (step 1, `mechanisms::dismantling`).
    pub dismantling: ChaCha8Rng,
}

impl Rngs {
    pub fn new(run_seed: u64) -> Rngs {
        Rngs {
            build: stream(run_seed, Stream::Build),
            migration: stream(run_seed, Stream::Migration),
            recruitment: stream(run_seed, Stream::Recruitment),
            transit: stream(run_seed, Stream::Transit),
            exploitation: stream(run_seed, Stream::Exploitation),
            support: stream(run_seed, Stream::Support),
            investigation: stream(run_seed, Stream::Investigation),
            prosecution: stream(run_seed, Stream::Prosecution),
            intelligence: stream(run_seed, Stream::Intelligence),
            adaptation: stream(run_seed, Stream::Adaptation),
            retrafficking: stream(run_seed, Stream::Retrafficking),
            coming_forward: stream(run_seed, Stream::ComingForward),
            dismantling: stream(run_seed, Stream::Dismantling),
        }
    }
}

/// The calendars of a world (see `world::calendar`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wheel {
    /// Persons at home: when they start seeking (step 2).
    Seek,
    /// Safe migrants: when they come home (step 11).
    Return,
    /// Exploited persons: when they leave exploitation, by any channel (step 5).
    Exit,
    /// Seekers: when something may happen to them (an offer taken, a legal channel, giving
    /// up; step 3).
    Offer,
}

/// Everything of one run.
#[derive(Clone, Debug)]
pub struct World {
    pub week: u32,
    pub model: ModelParams,
    pub countries: Vec<Country>,
    /// The written cooperation levels (changed by policies) and their resolved matrix.
    pub cooperation_spec: CooperationSpec,
    pub cooperation: Cooperation,
    pub persons: Persons,
    pub traffickers: Vec<Trafficker>,
    pub networks: Vec<Network>,
    pub agencies: Vec<Agency>,
    pub policies: Vec<Policy>,
    pub shocks: Vec<Shock>,
    pub dismantlings: Vec<Dismantling>,
    pub ramps: Vec<Ramp>,
    /// This week's counters, one per country.
    pub counters: Vec<WeekCounters>,
    /// Persons recruited per route since the recorded weeks began (since week 0 during the
    /// burn-in, which `run` then clears): a run's flows, unlike the weekly counters.
    pub routes: RouteFlows,
    pub scheduling: Scheduling,
    /// When persons at home start seeking, and when safe migrants return.
    pub seek_calendar: Calendar,
    pub return_calendar: Calendar,
    /// The law of a safe migrant's wait to return (`safe_return_rate`, the same for all).
    pub safe_return_wait: GeometricWait,
    /// When something may happen to a seeker (step 3).
    pub offer_calendar: Calendar,
    /// This week's exit hazards and revenue by country and form class (step 5).
    pub exit_table: Vec<ExitRow>,
    /// The table the exit calendar was drawn with: a row that changes is drawn again.
    pub exit_scheduled: Vec<ExitRow>,
    /// When exploited persons leave exploitation (by any channel).
    pub exit_calendar: Calendar,
    /// Persons who entered exploitation this week (step 4), to schedule in step 5.
    pub arrivals: Vec<u32>,
    /// A reusable buffer for visiting a roster while it changes.
    pub scratch: Vec<u32>,
    /// A reusable buffer for the tags of a roster's persons (see
    /// [`World::roster_snapshot_with_tags`]).
    pub scratch_tags: Vec<RosterTag>,
    /// Per origin country, this week: the networks recruiting there and their weights
    /// (effort × free recruiters), cumulated so that an offer's network is found by bisection.
    /// Reused every week.
    pub recruiters: Vec<Vec<(NetworkId, f64)>>,
    /// Persons identified this week (step 5 and 4 fill it, step 6 empties it).
    pub identified: Vec<Identification>,
    /// Arrests made this week (step 7 fills it, step 9 empties it).
    pub arrests: Vec<Arrest>,
    /// Investigations an agency can run at once, per 1 of `enforcement.resources`: scaled to
    /// the world's at-risk population so that results do not depend on the world's size.
    pub capacity_per_resource: f64,
    /// Cumulative weights of the exploitation forms, for drawing a victim's form.
    pub form_cumulative: [f64; 7],
    /// The same, weighted by police attention: the forms proactive police leads are about.
    pub police_form_cumulative: [f64; 7],
    pub rngs: Rngs,
}

impl World {
    pub fn n_countries(&self) -> usize {
        self.countries.len()
    }

    pub fn country(&self, id: CountryId) -> &Country {
        &self.countries[id.index()]
    }

    pub fn counter(&mut self, id: CountryId) -> &mut WeekCounters {
        &mut self.counters[id.index()]
    }

    /// Trafficker `t` walks free (an acquittal, a bribe, a failed investigation, the end of a
    /// time in hiding): back to work at the network's current post for the role, or retired
    /// if the network is gone. Any case against the trafficker is closed.
    pub fn release(&mut self, t: TraffickerId) {
        let tr = &self.traffickers[t.index()];
        let network = &self.networks[tr.network.index()];
        let (state, country) = if network.dismantled {
            (TraffickerState::Retired, tr.country)
        } else {
            (TraffickerState::Active, network.post(tr.role))
        };
        let tr = &mut self.traffickers[t.index()];
        tr.state = state;
        tr.country = country;
        tr.case = None;
    }

    /// Investigations the agency of `id` can run at once (MODEL.md §1, `enforcement.resources`).
    pub fn capacity(&self, id: CountryId) -> usize {
        let x = self.country(id).params.numbers.resources * self.capacity_per_resource;
        // Any positive resources give at least one investigation at a time.
        if x > 0.0 { x.ceil() as usize } else { 0 }
    }

    /// Does `country` criminalize `form`? (MODEL.md §1, `law.offences`.)
    pub fn criminalizes(&self, country: CountryId, form: Offence) -> bool {
        self.country(country).params.offences.contains(form)
    }

    /// A copy of a roster in the reusable buffer, to visit while the roster changes; hand the
    /// buffer back with [`World::return_scratch`] so that no week allocates.
    pub fn roster_snapshot(&mut self, roster: Roster) -> Vec<u32> {
        let mut buffer = std::mem::take(&mut self.scratch);
        buffer.clear();
        buffer.extend_from_slice(self.persons.roster(roster));
        buffer
    }

    /// [`World::roster_snapshot`] with the persons' tags, in the same order (as they are now:
    /// a visit that changes a person's tagged attributes must not rely on a later person's);
    /// hand both buffers back with [`World::return_scratch_with_tags`].
    pub fn roster_snapshot_with_tags(&mut self, roster: Roster) -> (Vec<u32>, Vec<RosterTag>) {
        let persons = self.roster_snapshot(roster);
        let mut tags = std::mem::take(&mut self.scratch_tags);
        tags.clear();
        tags.extend_from_slice(self.persons.roster_tags(roster));
        (persons, tags)
    }

    pub fn return_scratch_with_tags(&mut self, persons: Vec<u32>, tags: Vec<RosterTag>) {
        self.scratch = persons;
        self.scratch_tags = tags;
    }

    pub fn return_scratch(&mut self, buffer: Vec<u32>) {
        self.scratch = buffer;
    }

    /// A calendar, with the persons it holds (to tell live entries from stale ones).
    fn calendar(&mut self, which: Wheel) -> (&mut Calendar, &Persons) {
        let calendar = match which {
            Wheel::Seek => &mut self.seek_calendar,
            Wheel::Return => &mut self.return_calendar,
            Wheel::Exit => &mut self.exit_calendar,
            Wheel::Offer => &mut self.offer_calendar,
        };
        (calendar, &self.persons)
    }

    /// Wakes the persons calendar `which` holds for `week` who are still due then and still
    /// in `state` (other entries are stale: the person was rescheduled or moved on), in the
    /// calendar's order: each gets no due week ([`persons::NEVER`]) and is handed to `wake`.
    /// Their records and roster entries are prefetched a few chunks ahead
    /// ([`persons::PREFETCH_CHUNK`] persons each), the calendar is compacted when stale entries
    /// pile up, and nothing is allocated.
    pub fn wake_due(
        &mut self,
        which: Wheel,
        state: PersonState,
        week: u32,
        mut wake: impl FnMut(&mut World, usize),
    ) {
        let mut due = std::mem::take(&mut self.scratch);
        self.calendar(which).0.take_due(week, &mut due);
        // A pipeline over chunks: while chunk `i` is visited, the records of chunk `i + 2` and
        // the roster entries of chunk `i + 1` (its records asked for a chunk earlier) are on
        // their way.
        let chunk = |i: usize| {
            let rest = due.get(i * persons::PREFETCH_CHUNK..).unwrap_or_default();
            &rest[..rest.len().min(persons::PREFETCH_CHUNK)]
        };
        self.persons.prefetch(chunk(0));
        self.persons.prefetch(chunk(1));
        self.persons.prefetch_roster_entries(chunk(0));
        for i in 0..due.len().div_ceil(persons::PREFETCH_CHUNK) {
            self.persons.prefetch(chunk(i + 2));
            self.persons.prefetch_roster_entries(chunk(i + 1));
            for &p in chunk(i) {
                let p = p as usize;
                if self.persons.due(p) == week && self.persons.state(p) == state {
                    self.persons.set_due(p, persons::NEVER);
                    wake(self, p);
                }
            }
        }
        self.return_scratch(due);
        let (calendar, persons) = self.calendar(which);
        calendar.compact_if_stale(|due, p| {
            persons.due(p as usize) == due && persons.state(p as usize) == state
        });
    }

    /// Whether person `p` was identified this week (and awaits step 6).
    pub fn identified_this_week(&self, p: usize) -> bool {
        self.identified.iter().any(|i| i.person as usize == p)
    }

    /// Dual criminality (MODEL.md §1): both countries criminalize the form.
    pub fn dual_criminality(&self, a: CountryId, b: CountryId, form: Offence) -> bool {
        self.criminalizes(a, form) && self.criminalizes(b, form)
    }
}
