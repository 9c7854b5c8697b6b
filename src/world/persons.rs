//! Persons (migrants and potential victims, MODEL.md §1), stored as a structure of arrays:
//! one compact `Vec` per attribute, indexed by the person's number, so that a week's pass over
//! the population touches contiguous memory and the step loop allocates nothing.

use crate::params::Offence;

use super::{CountryId, NetworkId, Route};

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

/// Sentinel for "never returned home".
pub const NEVER: u32 = u32::MAX;

#[derive(Clone, Debug, Default)]
pub struct Persons {
    pub home: Vec<CountryId>,
    pub state: Vec<PersonState>,
    /// Drawn around the home country's poverty (Beta), fixed for life.
    pub vulnerability: Vec<f32>,
    /// A uniform draw: the person is aware when it is below the home country's `awareness`,
    /// so that an awareness campaign reaches persons at once without redrawing anything.
    pub awareness_draw: Vec<f32>,
    /// Where the person is now (home, a transit country, the destination).
    pub location: Vec<CountryId>,
    /// While trafficked: the network, the route's transit and destination, the form.
    pub network: Vec<NetworkId>,
    pub transit: Vec<Option<CountryId>>,
    pub destination: Vec<CountryId>,
    pub form: Vec<Offence>,
    /// Borders crossed so far on the route.
    pub legs_done: Vec<u8>,
    /// The week the current timed state ends (a transit leg, support).
    pub until: Vec<u32>,
    /// The week the person last came home from trafficking ([`NEVER`] if not).
    pub returned: Vec<u32>,
    /// Whether that return followed support (which removes most of the re-trafficking risk).
    pub returned_supported: Vec<bool>,
    pub ever_trafficked: Vec<bool>,
    /// Whether the person was ever identified as a victim.
    pub ever_identified: Vec<bool>,
}

impl Persons {
    pub fn len(&self) -> usize {
        self.state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    pub fn push(&mut self, home: CountryId, vulnerability: f32, awareness_draw: f32) {
        self.home.push(home);
        self.state.push(PersonState::Home);
        self.vulnerability.push(vulnerability);
        self.awareness_draw.push(awareness_draw);
        self.location.push(home);
        self.network.push(NetworkId(0));
        self.transit.push(None);
        self.destination.push(home);
        self.form.push(Offence::Labour);
        self.legs_done.push(0);
        self.until.push(0);
        self.returned.push(NEVER);
        self.returned_supported.push(false);
        self.ever_trafficked.push(false);
        self.ever_identified.push(false);
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
        self.state[p] = PersonState::InTransit;
        self.network[p] = network;
        self.transit[p] = route.transit;
        self.destination[p] = route.destination;
        self.form[p] = form;
        self.location[p] = route.origin;
        self.legs_done[p] = 0;
        self.until[p] = until;
        self.ever_trafficked[p] = true;
    }

    /// Sends person `p` home after trafficking (deported, escaped or returned from support).
    pub fn return_home(&mut self, p: usize, week: u32, supported: bool) {
        self.state[p] = PersonState::Home;
        self.location[p] = self.home[p];
        self.returned[p] = week;
        self.returned_supported[p] = supported;
    }
}
