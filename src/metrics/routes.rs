//! The trafficking flows of a run by route: how many persons were recruited onto each route
//! `origin → [transit] → destination` (MODEL.md §2 step 3, the route of the recruiting
//! network). One small matrix per run (countries × (countries + 1) × countries counts), added
//! to at each recruitment, so that the displacement of flows by a crackdown can be seen and
//! written (`routes.csv`) without keeping anything per person or per week.

/// Persons recruited per route. Countries are indices in scenario order; the transit slot 0
/// is a direct route, slot `t + 1` a route through country `t`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteFlows {
    countries: usize,
    persons: Vec<u64>,
}

/// One route and the persons recruited onto it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteFlow {
    pub origin: usize,
    /// `None`: a direct route.
    pub transit: Option<usize>,
    pub destination: usize,
    pub persons: u64,
}

impl RouteFlows {
    /// No persons on any route between `countries` countries.
    pub fn new(countries: usize) -> RouteFlows {
        RouteFlows {
            countries,
            persons: vec![0; countries * (countries + 1) * countries],
        }
    }

    /// The number of countries.
    pub fn countries(&self) -> usize {
        self.countries
    }

    fn slot(&self, origin: usize, transit: Option<usize>, destination: usize) -> usize {
        let t = transit.map_or(0, |t| t + 1);
        (origin * (self.countries + 1) + t) * self.countries + destination
    }

    /// One more person recruited onto the route.
    pub fn add(&mut self, origin: usize, transit: Option<usize>, destination: usize) {
        let slot = self.slot(origin, transit, destination);
        self.persons[slot] += 1;
    }

    /// Persons recruited onto the route.
    pub fn persons(&self, origin: usize, transit: Option<usize>, destination: usize) -> u64 {
        self.persons[self.slot(origin, transit, destination)]
    }

    /// Adds the persons of `other` (a run of the same countries) route by route.
    pub fn add_all(&mut self, other: &RouteFlows) {
        debug_assert_eq!(self.countries, other.countries);
        self.persons
            .iter_mut()
            .zip(&other.persons)
            .for_each(|(p, q)| *p += q);
    }

    /// Forgets every person counted so far (the burn-in's, when the recorded weeks begin).
    pub fn clear(&mut self) {
        self.persons.iter_mut().for_each(|p| *p = 0);
    }

    /// The routes with at least one person, by origin, then transit (direct first), then
    /// destination.
    pub fn used(&self) -> impl Iterator<Item = RouteFlow> + '_ {
        let n = self.countries;
        self.persons
            .iter()
            .enumerate()
            .filter(|&(_, &p)| p > 0)
            .map(move |(slot, &persons)| RouteFlow {
                origin: slot / (n * (n + 1)),
                transit: (slot / n % (n + 1)).checked_sub(1),
                destination: slot % n,
                persons,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_counted_apart_and_listed_in_order() {
        let mut r = RouteFlows::new(3);
        r.add(0, Some(1), 2);
        r.add(0, Some(1), 2);
        r.add(0, None, 2);
        r.add(2, Some(0), 1);
        assert_eq!(r.persons(0, Some(1), 2), 2);
        assert_eq!(r.persons(0, None, 2), 1);
        assert_eq!(r.persons(0, Some(2), 1), 0);
        let used: Vec<(usize, Option<usize>, usize, u64)> = r
            .used()
            .map(|f| (f.origin, f.transit, f.destination, f.persons))
            .collect();
        assert_eq!(
            used,
            [(0, None, 2, 1), (0, Some(1), 2, 2), (2, Some(0), 1, 1)]
        );
        let mut twice = r.clone();
        twice.add_all(&r);
        assert_eq!(twice.persons(0, Some(1), 2), 4);
        r.clear();
        assert_eq!(r.used().count(), 0);
        assert_eq!(r.countries(), 3);
    }
}
