//! Persons (migrants and potential victims, MODEL.md §1), indexed by the person's number:
//! the attributes the frequent events touch in one 32-byte record per person (one cache miss
//! per visit), the route of a trafficked person in arrays of their own.
//!
//! Most persons are at home most of the time, with nothing happening to them. To keep a week's
//! cost proportional to what happens, not to the population, persons in every other state are
//! kept on a *roster* per state (a list with O(1) insertion and removal), which the weekly
//! steps visit (a state whose persons all wait in a calendar keeps none); persons at home
//! wait in the migration calendar (see `world::calendar`) unless they must be checked weekly
//! (recent returnees, whose risk changes every week). Stocks per country and state are kept
//! up to date at every change, so that counting them costs nothing.
//!
//! Every change of state or location goes through [`Persons::set_state`] and
//! [`Persons::set_location`], which keep rosters and stocks true.

use crate::params::Offence;

use super::network::Route;
use crate::ids::{CountryId, NetworkId};

/// A person's state (MODEL.md §1). `Identified`, `Returned` and `Deported` are events within a
/// week, not states a person is found in at the end of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PersonState {
    Home = 0,
    Seeking = 1,
    SafeMigrant = 2,
    InTransit = 3,
    Exploited = 4,
    /// Identified, criminalized and supported: in a shelter until `until`, then returned.
    InSupport = 5,
}

impl PersonState {
    pub const COUNT: usize = 6;

    /// Whether the person is counted in their home country (else where they are).
    fn counted_at_home(self) -> bool {
        matches!(self, PersonState::Home | PersonState::Seeking)
    }
}

/// The weekly lists of persons. `HomeWeekly` holds persons at home whose hazard of leaving
/// must be checked week by week; the other rosters hold every person in that state, unless
/// nothing visits them ([`Persons::keep_no_roster`]: seekers and safe migrants in a calendar
/// run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Roster {
    HomeWeekly = 0,
    Seeking = 1,
    SafeMigrant = 2,
    InTransit = 3,
    Exploited = 4,
    InSupport = 5,
}

impl Roster {
    /// Whether the roster keeps a [`RosterTag`] per person: those whose weekly visits read
    /// them (seekers in step 3, exploited persons in step 5).
    fn tagged(self) -> bool {
        matches!(self, Roster::Seeking | Roster::Exploited)
    }

    /// The roster of every person in a state other than `Home`.
    fn of(state: PersonState) -> Option<Roster> {
        match state {
            PersonState::Home => None,
            PersonState::Seeking => Some(Roster::Seeking),
            PersonState::SafeMigrant => Some(Roster::SafeMigrant),
            PersonState::InTransit => Some(Roster::InTransit),
            PersonState::Exploited => Some(Roster::Exploited),
            PersonState::InSupport => Some(Roster::InSupport),
        }
    }
}

/// How many persons [`Persons::prefetch`] is given at a time: enough for their cache misses
/// to overlap, few enough for their records to stay in cache until visited.
pub const PREFETCH_CHUNK: usize = 16;

const ROSTERS: [Roster; 6] = [
    Roster::HomeWeekly,
    Roster::Seeking,
    Roster::SafeMigrant,
    Roster::InTransit,
    Roster::Exploited,
    Roster::InSupport,
];

/// Sentinel for "never" (never returned home, no event due).
pub const NEVER: u32 = u32::MAX;
const NO_ROSTER: u8 = u8::MAX;

const RETURNED_SUPPORTED: u8 = 1;
const EVER_TRAFFICKED: u8 = 2;
/// Identified on the trip that brought the person home: cleared when recruited again, and
/// when the recorded weeks begin (so that every re-trafficking counted follows an
/// identification counted).
const IDENTIFIED: u8 = 4;

/// The attributes of a person that the frequent events read and write (leaving home,
/// seeking, coming home, being scheduled, changing state), in one 32-byte record aligned to
/// half a cache line: visiting a person costs one cache miss, not one per attribute. The
/// attributes only a trafficked person needs (route, network, leg) stay in arrays of their
/// own in [`Persons`].
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Hot {
    vulnerability: f32,
    awareness_draw: f32,
    due: u32,
    seek_bound: f32,
    returned: u32,
    /// Where on its roster the person is.
    slot: u32,
    home: CountryId,
    location: CountryId,
    state: PersonState,
    /// Which roster the person is on ([`NO_ROSTER`] if none).
    roster_of: u8,
    form: Offence,
    /// `RETURNED_SUPPORTED`, `EVER_TRAFFICKED`, `IDENTIFIED`.
    flags: u8,
}

const _: () = assert!(std::mem::size_of::<Hot>() == 32);

impl Hot {
    fn flag(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The country the person is counted in: home for `Home` and `Seeking`, else where they are.
    fn counted_in(&self) -> CountryId {
        if self.state.counted_at_home() {
            self.home
        } else {
            self.location
        }
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }
}

/// What a trafficked person's trip needs (the network, the route, the leg and when it ends), in
/// one 16-byte record: the weekly visit of persons in transit costs one cache miss.
#[derive(Clone, Copy, Debug)]
pub struct Trip {
    pub network: NetworkId,
    /// The week the current timed state ends (a transit leg, support).
    pub until: u32,
    /// The route's transit country, if any, and destination.
    pub transit: Option<CountryId>,
    pub destination: CountryId,
    /// Borders crossed so far on the route.
    pub legs_done: u8,
}

const _: () = assert!(std::mem::size_of::<Trip>() == 16);

/// What the weekly visits of a roster need to know about each person on it, kept beside the
/// roster in roster order, so that a visit reads them in sequence and touches a person's own
/// records only when something happens to them: the home (step 3, seekers), and the network,
/// location and form (step 5, exploited persons: police rescues, redrawn exit weeks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RosterTag {
    /// The network, while exploited; `NetworkId(0)` otherwise, so that a seeker's tag does not
    /// read the person's trip.
    pub network: NetworkId,
    pub home: CountryId,
    pub location: CountryId,
    pub form: Offence,
}

#[derive(Clone, Debug, Default)]
pub struct Persons {
    /// Per person: home (fixed), state, vulnerability (drawn around the home country's poverty,
    /// Beta, fixed for life), awareness draw (a uniform draw: the person is aware when it is
    /// below the home country's `awareness`, so that an awareness campaign reaches persons at
    /// once without redrawing anything), location (home, a transit country, the destination),
    /// form of exploitation while trafficked, the calendar's `due` week and `seek_bound`, the
    /// week of the last return and the roster bookkeeping. See the accessors.
    hot: Vec<Hot>,
    /// Per person: the trip of a trafficked person (see [`Trip`]).
    pub trip: Vec<Trip>,
    rosters: [Vec<u32>; 6],
    /// A [`RosterTag`] for each person on each tagged roster, in roster order (empty for the
    /// others).
    roster_tags: [Vec<RosterTag>; 6],
    /// Persons by country (home for `Home` and `Seeking`, location otherwise) and state.
    stocks: Vec<[u32; PersonState::COUNT]>,
    /// Persons are created country by country: `first[c]..first[c + 1]` are country `c`'s.
    first: Vec<u32>,
    /// Exploited persons by network, country and form class (see [`Persons::exploited`]), so
    /// that revenue can be computed without visiting them.
    exploited: Vec<u32>,
    networks: usize,
    /// The rosters nobody visits (see [`Persons::keep_no_roster`]), by bit.
    unkept: u8,
}

impl Persons {
    /// Creates the population: `at_risk[c]` persons at home in each country `c`, with their
    /// vulnerability and awareness drawn by `draw(country)`.
    pub fn new(at_risk: &[usize], mut draw: impl FnMut(CountryId) -> (f32, f32)) -> Persons {
        let total: usize = at_risk.iter().sum();
        let mut persons = Persons {
            stocks: vec![[0; PersonState::COUNT]; at_risk.len()],
            ..Persons::default()
        };
        persons.reserve(total);
        for (c, &n) in at_risk.iter().enumerate() {
            persons.first.push(persons.len() as u32);
            let home = CountryId::new(c);
            for _ in 0..n {
                let (vulnerability, awareness) = draw(home);
                persons.push(home, vulnerability, awareness);
            }
        }
        persons.first.push(persons.len() as u32);
        persons
    }

    fn reserve(&mut self, n: usize) {
        self.hot.reserve_exact(n);
        self.trip.reserve_exact(n);
        super::memory::advise(&self.hot);
        super::memory::advise(&self.trip);
    }

    fn push(&mut self, home: CountryId, vulnerability: f32, awareness_draw: f32) {
        self.hot.push(Hot {
            vulnerability,
            awareness_draw,
            due: NEVER,
            seek_bound: 0.0,
            returned: NEVER,
            slot: 0,
            home,
            location: home,
            state: PersonState::Home,
            roster_of: NO_ROSTER,
            form: Offence::Labour,
            flags: 0,
        });
        self.trip.push(Trip {
            network: NetworkId(0),
            until: 0,
            transit: None,
            destination: home,
            legs_done: 0,
        });
        self.stocks[home.index()][PersonState::Home as usize] += 1;
    }

    pub fn len(&self) -> usize {
        self.hot.len()
    }

    /// Starts counting exploited persons by network (call once the networks are founded).
    pub fn track_networks(&mut self, networks: usize) {
        self.networks = networks;
        self.exploited = vec![0; networks * self.stocks.len() * Offence::CLASSES];
    }

    fn exploited_slot(&self, network: NetworkId, country: CountryId, class: usize) -> usize {
        (network.index() * self.stocks.len() + country.index()) * Offence::CLASSES + class
    }

    /// Persons exploited by `network` in `country` in forms of `class` ([`Offence::class`]).
    pub fn exploited(&self, network: NetworkId, country: CountryId, class: usize) -> u32 {
        if network.index() >= self.networks {
            return 0;
        }
        self.exploited[self.exploited_slot(network, country, class)]
    }

    /// Adds `delta` to the exploited count person `p` belongs to, whose record is `hot` (as it
    /// was or as it is now): nothing unless exploited. The check is inlined where the record
    /// is at hand; most changes of state are not of exploited persons.
    #[inline]
    fn count_exploited(&mut self, p: usize, hot: &Hot, delta: i32) {
        if hot.state == PersonState::Exploited {
            self.count_exploited_by_network(p, hot, delta);
        }
    }

    fn count_exploited_by_network(&mut self, p: usize, hot: &Hot, delta: i32) {
        let network = self.trip[p].network;
        if network.index() >= self.networks {
            return;
        }
        let slot = self.exploited_slot(network, hot.location, hot.form.class());
        self.exploited[slot] = self.exploited[slot].wrapping_add_signed(delta);
    }

    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }

    /// Starts loading the records of `persons`, without waiting for them (see
    /// `world::memory`), so that their cache misses overlap instead of each stalling the visit
    /// that needs it. Visits of persons scattered over the population go chunk by chunk
    /// ([`PREFETCH_CHUNK`]), asking for a chunk before visiting it, or a chunk or two ahead
    /// where the next persons are known.
    pub fn prefetch(&self, persons: &[u32]) {
        for &p in persons {
            if let Some(hot) = self.hot.get(p as usize) {
                super::memory::prefetch(hot);
            }
        }
    }

    /// Starts loading the roster entries of `persons`, whose records must be at hand (or on
    /// their way): leaving a roster reads the leaver's entry, somewhere in a long list.
    pub fn prefetch_roster_entries(&self, persons: &[u32]) {
        for &p in persons {
            let hot = &self.hot[p as usize];
            if let Some(entry) = self
                .rosters
                .get(hot.roster_of as usize)
                .and_then(|list| list.get(hot.slot as usize))
            {
                super::memory::prefetch(entry);
            }
        }
    }

    /// [`Persons::prefetch`] for the trips of `persons`.
    pub fn prefetch_trips(&self, persons: &[u32]) {
        for &p in persons {
            if let Some(trip) = self.trip.get(p as usize) {
                super::memory::prefetch(trip);
            }
        }
    }

    pub fn state(&self, p: usize) -> PersonState {
        self.hot[p].state
    }

    pub fn location(&self, p: usize) -> CountryId {
        self.hot[p].location
    }

    /// The person's home country (fixed).
    pub fn home(&self, p: usize) -> CountryId {
        self.hot[p].home
    }

    /// Drawn around the home country's poverty (Beta), fixed for life.
    pub fn vulnerability(&self, p: usize) -> f32 {
        self.hot[p].vulnerability
    }

    /// A uniform draw: the person is aware when it is below the home country's `awareness`,
    /// so that an awareness campaign reaches persons at once without redrawing anything.
    pub fn awareness_draw(&self, p: usize) -> f32 {
        self.hot[p].awareness_draw
    }

    /// While trafficked: the form of exploitation.
    pub fn form(&self, p: usize) -> Offence {
        self.hot[p].form
    }

    /// The week a calendar event is due for this person (leaving home, a seeker's candidate
    /// week, a safe migrant's return, leaving exploitation; [`NEVER`] if none); entries of the
    /// calendars that disagree with it are stale.
    pub fn due(&self, p: usize) -> u32 {
        self.hot[p].due
    }

    pub fn set_due(&mut self, p: usize, week: u32) {
        self.hot[p].due = week;
    }

    /// The hazard a person at home or a seeker was scheduled with (an upper bound of the
    /// weekly hazard, thinned when woken; see steps 2 and 3).
    pub fn seek_bound(&self, p: usize) -> f32 {
        self.hot[p].seek_bound
    }

    /// Schedules person `p`'s next calendar event in `week`, drawn with hazard `bound`.
    pub fn set_due_with_bound(&mut self, p: usize, week: u32, bound: f32) {
        let hot = &mut self.hot[p];
        hot.due = week;
        hot.seek_bound = bound;
    }

    /// The week the person last came home from trafficking ([`NEVER`] if not).
    pub fn returned(&self, p: usize) -> u32 {
        self.hot[p].returned
    }

    /// Whether that return followed support (which removes most of the re-trafficking risk).
    pub fn returned_supported(&self, p: usize) -> bool {
        self.hot[p].flag(RETURNED_SUPPORTED)
    }

    pub fn ever_trafficked(&self, p: usize) -> bool {
        self.hot[p].flag(EVER_TRAFFICKED)
    }

    /// Whether the person was identified as a victim on their last trip (and that
    /// identification was in the recorded weeks).
    pub fn identified_last_trip(&self, p: usize) -> bool {
        self.hot[p].flag(IDENTIFIED)
    }

    pub fn mark_identified(&mut self, p: usize) {
        self.hot[p].set_flag(IDENTIFIED, true);
    }

    /// Forgets the identifications of the unrecorded weeks (the burn-in).
    pub fn forget_identifications(&mut self) {
        self.hot
            .iter_mut()
            .for_each(|h| h.set_flag(IDENTIFIED, false));
    }

    /// The persons whose home is country `c`.
    pub fn of_country(&self, c: CountryId) -> std::ops::Range<usize> {
        self.first[c.index()] as usize..self.first[c.index() + 1] as usize
    }

    /// The persons on a roster, in roster order (which depends on the order of arrivals and
    /// departures, and so only on the run's history: deterministic).
    pub fn roster(&self, roster: Roster) -> &[u32] {
        &self.rosters[roster as usize]
    }

    /// Persons in the hands of traffickers now: in transit or exploited.
    pub fn victims(&self) -> u64 {
        (self.roster(Roster::InTransit).len() + self.roster(Roster::Exploited).len()) as u64
    }

    /// The tags of the persons on a roster, in roster order: seekers and exploited persons
    /// only (the other rosters keep none, and give an empty slice).
    pub fn roster_tags(&self, roster: Roster) -> &[RosterTag] {
        &self.roster_tags[roster as usize]
    }

    fn tag(&self, p: usize) -> RosterTag {
        let hot = &self.hot[p];
        RosterTag {
            network: if hot.state == PersonState::Exploited {
                self.trip[p].network
            } else {
                NetworkId(0)
            },
            home: hot.home,
            location: hot.location,
            form: hot.form,
        }
    }

    /// Rewrites the tag of person `p`, if on a roster, after a change of what it holds.
    fn retag(&mut self, p: usize) {
        let hot = &self.hot[p];
        let tagged = [Roster::Seeking, Roster::Exploited].map(|r| r as u8);
        if tagged.contains(&hot.roster_of) {
            let (roster, slot) = (hot.roster_of as usize, hot.slot as usize);
            self.roster_tags[roster][slot] = self.tag(p);
        }
    }

    /// Whether person `p` is on `roster`.
    pub fn on_roster(&self, p: usize, roster: Roster) -> bool {
        self.hot[p].roster_of == roster as u8
    }

    /// Persons in `state` counted in country `c` (home for `Home` and `Seeking`, location otherwise).
    pub fn stock(&self, c: CountryId, state: PersonState) -> u32 {
        self.stocks[c.index()][state as usize]
    }

    /// Stops keeping `roster`, which nothing will visit (before anyone joins it): its members
    /// are then on no roster, and their comings and goings cost no bookkeeping.
    pub fn keep_no_roster(&mut self, roster: Roster) {
        debug_assert!(self.rosters[roster as usize].is_empty());
        self.unkept |= 1 << roster as u8;
    }

    fn join(&mut self, p: usize, roster: Roster) {
        if self.unkept & (1 << roster as u8) != 0 {
            return;
        }
        let list = &mut self.rosters[roster as usize];
        let hot = &mut self.hot[p];
        hot.roster_of = roster as u8;
        hot.slot = list.len() as u32;
        list.push(p as u32);
        if roster.tagged() {
            let tag = self.tag(p);
            self.roster_tags[roster as usize].push(tag);
        }
    }

    fn leave(&mut self, p: usize) {
        let hot = self.hot[p];
        if hot.roster_of != NO_ROSTER {
            self.leave_roster(p, hot.roster_of, hot.slot);
        }
    }

    /// Takes person `p` off roster `r`, where they are at `slot`.
    fn leave_roster(&mut self, p: usize, r: u8, slot: u32) {
        let list = &mut self.rosters[r as usize];
        let at = slot as usize;
        list.swap_remove(at);
        let tags = &mut self.roster_tags[r as usize];
        if !tags.is_empty() {
            tags.swap_remove(at);
        }
        if let Some(&moved) = list.get(at) {
            self.hot[moved as usize].slot = at as u32;
        }
        self.hot[p].roster_of = NO_ROSTER;
    }

    /// Whether every roster entry knows its slot and carries its person's true tag (for tests).
    pub fn rosters_are_true(&self) -> bool {
        self.rosters
            .iter()
            .zip(&self.roster_tags)
            .enumerate()
            .all(|(r, (list, tags))| {
                let tagged = [Roster::Seeking, Roster::Exploited].contains(&ROSTERS[r]);
                let slots_true = list.iter().enumerate().all(|(i, &p)| {
                    let hot = &self.hot[p as usize];
                    hot.roster_of as usize == r && hot.slot as usize == i
                });
                let tags_true = if tagged {
                    list.len() == tags.len()
                        && list
                            .iter()
                            .zip(tags)
                            .all(|(&p, tag)| *tag == self.tag(p as usize))
                } else {
                    tags.is_empty()
                };
                slots_true && tags_true
            })
    }

    /// Moves person `p` to `state`, keeping rosters and stocks true. A person entering `Home`
    /// is on no roster; the caller puts them in the calendar or on the weekly home roster.
    pub fn set_state(&mut self, p: usize, state: PersonState) {
        self.move_to(p, state, self.hot[p].location);
    }

    /// Moves person `p` to `state` in country `location` at once, keeping rosters, stocks and
    /// the exploited counts true: the same as [`Persons::set_state`] and then
    /// [`Persons::set_location`], with the bookkeeping done once.
    pub fn move_to(&mut self, p: usize, state: PersonState, location: CountryId) {
        let before = self.hot[p];
        self.count_exploited(p, &before, -1);
        self.stocks[before.counted_in().index()][before.state as usize] -= 1;
        if before.roster_of != NO_ROSTER {
            self.leave_roster(p, before.roster_of, before.slot);
        }
        let hot = &mut self.hot[p];
        hot.state = state;
        hot.location = location;
        let after = *hot;
        if let Some(roster) = Roster::of(state) {
            self.join(p, roster);
        }
        self.stocks[after.counted_in().index()][state as usize] += 1;
        self.count_exploited(p, &after, 1);
    }

    /// Puts a person at home on the weekly home roster (or takes them off it).
    pub fn set_home_weekly(&mut self, p: usize, weekly: bool) {
        debug_assert_eq!(self.hot[p].state, PersonState::Home);
        if weekly && !self.on_roster(p, Roster::HomeWeekly) {
            self.join(p, Roster::HomeWeekly);
        } else if !weekly {
            self.leave(p);
        }
    }

    /// Moves person `p` to country `c`.
    pub fn set_location(&mut self, p: usize, c: CountryId) {
        let before = self.hot[p];
        self.count_exploited(p, &before, -1);
        self.hot[p].location = c;
        let after = self.hot[p];
        self.retag(p);
        self.count_exploited(p, &after, 1);
        let (from, to) = (before.counted_in(), after.counted_in());
        if from != to {
            let s = before.state as usize;
            self.stocks[from.index()][s] -= 1;
            self.stocks[to.index()][s] += 1;
        }
    }

    /// Puts person `p` on a network's route: recruited this week, first leg ends `until`.
    pub fn start_trafficking(
        &mut self,
        p: usize,
        network: NetworkId,
        route: Route,
        form: Offence,
        until: u32,
    ) {
        // The trip first: written without being read, it costs no wait for memory.
        self.trip[p] = Trip {
            network,
            until,
            transit: route.transit,
            destination: route.destination,
            legs_done: 0,
        };
        self.move_to(p, PersonState::InTransit, route.origin);
        self.hot[p].form = form;
        self.hot[p].set_flag(EVER_TRAFFICKED, true);
        self.hot[p].set_flag(IDENTIFIED, false);
    }

    /// Sends person `p` home, recording a return from trafficking (deported, escaped or
    /// returned from support) when `returned` says so.
    pub fn send_home(&mut self, p: usize, returned: Option<(u32, bool)>) {
        self.move_to(p, PersonState::Home, self.hot[p].home);
        if let Some((week, supported)) = returned {
            let hot = &mut self.hot[p];
            hot.returned = week;
            hot.set_flag(RETURNED_SUPPORTED, supported);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_countries() -> Persons {
        Persons::new(&[3, 2], |_| (0.5, 0.5))
    }

    #[test]
    fn rosters_and_stocks_follow_every_change() {
        let mut p = two_countries();
        let (a, b) = (CountryId::new(0), CountryId::new(1));
        assert_eq!(p.of_country(b), 3..5);
        assert_eq!(p.stock(a, PersonState::Home), 3);
        p.set_state(0, PersonState::Seeking);
        p.set_state(1, PersonState::Seeking);
        p.set_state(2, PersonState::Seeking);
        assert_eq!(p.roster(Roster::Seeking), &[0, 1, 2]);
        p.set_state(0, PersonState::SafeMigrant);
        assert_eq!(p.roster(Roster::Seeking), &[2, 1]);
        let homes: Vec<CountryId> = p
            .roster_tags(Roster::Seeking)
            .iter()
            .map(|t| t.home)
            .collect();
        assert_eq!(homes, [a, a]);
        assert!(p.rosters_are_true());
        assert_eq!(p.stock(a, PersonState::SafeMigrant), 1);
        p.set_location(0, b);
        assert_eq!(p.stock(a, PersonState::SafeMigrant), 0);
        assert_eq!(p.stock(b, PersonState::SafeMigrant), 1);
        // Seekers are counted at home wherever they are.
        p.set_location(1, b);
        assert_eq!(p.stock(a, PersonState::Seeking), 2);
        p.send_home(0, Some((7, true)));
        assert_eq!(p.stock(a, PersonState::Home), 1);
        assert_eq!(p.location(0), a);
        assert_eq!(p.returned(0), 7);
        assert!(p.returned_supported(0));
        p.set_home_weekly(0, true);
        assert!(p.on_roster(0, Roster::HomeWeekly));
        p.set_state(0, PersonState::Seeking);
        assert!(!p.on_roster(0, Roster::HomeWeekly));
        assert_eq!(p.roster(Roster::HomeWeekly), &[] as &[u32]);
        assert!(p.rosters_are_true());
        let total: u32 = [a, b]
            .iter()
            .flat_map(|&c| {
                let p = &p;
                (0..PersonState::COUNT).map(move |s| p.stocks[c.index()][s])
            })
            .sum();
        assert_eq!(total, 5);
    }
}
