//! Networks and their members (MODEL.md §1, "Network", "Trafficker"): who works where on a
//! route, in which state of the enforcement chain, and what the network knows and owns. State
//! only: the mechanisms found networks, move them and change their members' states.

use crate::ids::{CountryId, NetworkId, TraffickerId};
use crate::world::agency::Case;

/// A trafficker's role, by where it works on a route (MODEL.md §1, "Trafficker").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Recruiter = 0,
    Transporter = 1,
    Exploiter = 2,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Recruiter, Role::Transporter, Role::Exploiter];
}

/// A trafficker's state (MODEL.md §1): `Active -> UnderInvestigation -> (Fled) -> Arrested ->
/// Prosecuted -> Imprisoned -> Active`; `Retired` once its network is dismantled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraffickerState {
    Active,
    UnderInvestigation,
    Fled,
    Arrested,
    Prosecuted,
    Imprisoned,
    Retired,
}

#[derive(Clone, Debug)]
pub struct Trafficker {
    pub network: NetworkId,
    pub role: Role,
    /// Where the trafficker works (or, when fled, hides).
    pub country: CountryId,
    pub state: TraffickerState,
    /// The week the current timed state (flight, trial, sentence) ends.
    pub until: u32,
    pub case: Option<Case>,
}

impl Trafficker {
    /// Still part of the network's operations: not arrested, on trial, imprisoned or retired.
    pub fn is_free(&self) -> bool {
        matches!(
            self.state,
            TraffickerState::Active | TraffickerState::UnderInvestigation | TraffickerState::Fled
        )
    }
}

/// A route `origin -> [transit] -> destination`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub origin: CountryId,
    pub transit: Option<CountryId>,
    pub destination: CountryId,
}

impl Route {
    /// The countries a victim passes through, in order.
    pub fn countries(&self) -> impl Iterator<Item = CountryId> {
        [Some(self.origin), self.transit, Some(self.destination)]
            .into_iter()
            .flatten()
    }

    /// Borders crossed.
    pub fn legs(&self) -> u32 {
        if self.transit.is_some() { 2 } else { 1 }
    }

    /// Where the network's transporters work: the transit country, or the origin on a direct
    /// route.
    pub fn transporter_country(&self) -> CountryId {
        self.transit.unwrap_or(self.origin)
    }

    pub fn role_country(&self, role: Role) -> CountryId {
        match role {
            Role::Recruiter => self.origin,
            Role::Transporter => self.transporter_country(),
            Role::Exploiter => self.destination,
        }
    }
}

/// An organized crime group (MODEL.md §1, "Network").
#[derive(Clone, Debug)]
pub struct Network {
    /// The country it recruits from.
    pub origin: CountryId,
    /// `None` while no destination is worth the trip.
    pub route: Option<Route>,
    pub members: Vec<TraffickerId>,
    /// Revenue earned this week (US$).
    pub revenue_week: f64,
    /// Exponential average of weekly revenue (US$/week): drives the replacement of members.
    pub revenue_average: f64,
    /// Money set aside for bribes (US$).
    pub bribe_budget: f64,
    /// Losses the network has observed per country (victims detected, members arrested), with
    /// exponential memory: its learned risk.
    pub observed_risk: Vec<f64>,
    /// Recruiter effort in [0, 1]: expected profit net of expected risk.
    pub effort: f64,
    /// The week of the next route review.
    pub next_review: u32,
    /// Chance, applied in next week's exploitation step, that each victim held in
    /// `rescue.0` is found by police after an exploiter there was arrested.
    pub rescue: Option<(CountryId, f64)>,
    pub dismantled: bool,
}

impl Network {
    /// Where a member in `role` works: on the current route, or in the origin while the
    /// network has none.
    pub fn post(&self, role: Role) -> CountryId {
        self.route.map_or(self.origin, |r| r.role_country(role))
    }
}
