//! `WeekCounters`: one week's counters of one country (or, summed, of the world), the
//! columns of `timeseries.csv` in field order, and `world_total`, the world row. The
//! summary and the run result are computed from them, so they sit below both.

use serde::Serialize;

/// One week's counters for one country (or, summed, for the world). Stocks are counted at
/// the end of the week, flows during it. The field order is the column order of
/// `timeseries.csv`; `docs/OUTPUTS.md` documents each column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct WeekCounters {
    // Stocks of persons, by where they are (their home for `at_home`, `seeking`).
    pub at_home: u32,
    pub seeking: u32,
    pub in_transit: u32,
    pub exploited: u32,
    pub safe_migrants: u32,
    pub in_support: u32,
    // Flows of persons.
    pub recruited_new: u32,
    pub safe_migrations: u32,
    pub identified_border: u32,
    pub identified_inspection: u32,
    pub identified_police: u32,
    pub identified_ngo: u32,
    /// Exploited persons who self-reported from within exploitation.
    pub identified_self: u32,
    /// Persons who escaped on their own and came forward to the authorities (a subset of
    /// `escaped`, counted in `identified_total` too): the self-exits known to the authorities.
    pub identified_self_exit: u32,
    pub identified_total: u32,
    pub supported: u32,
    pub deported: u32,
    pub testimonies: u32,
    pub re_trafficked: u32,
    /// Recruitments of persons identified as victims on their last trip, within
    /// `retraffic_weeks` of their return home (the window in which support protects).
    pub re_trafficked_identified: u32,
    pub escaped: u32,
    // Enforcement.
    pub leads: u32,
    pub leads_expired: u32,
    pub investigations_opened: u32,
    pub investigations_running: u32,
    pub arrests: u32,
    pub prosecutions: u32,
    pub convictions: u32,
    pub acquittals: u32,
    /// Recruitments and convictions in the labour forms (labour, debt bondage, domestic
    /// servitude, child), to show that labour trafficking is under-enforced.
    pub recruited_labour_forms: u32,
    pub convictions_labour_forms: u32,
    /// Convictions in cases that needed another country (mutual legal assistance,
    /// extradition, shared intelligence or a joint investigation).
    pub convictions_cross_border: u32,
    pub bribed_cases: u32,
    pub cross_border_requests: u32,
    pub jurisdiction_failures: u32,
    /// `jurisdiction_failures` by cause; the three sum to it. No dual criminality: the
    /// partner does not criminalize the form.
    pub failures_dual_criminality: u32,
    /// The partner would not cooperate (the draw against `cooperation(i, j)` failed).
    pub failures_refused: u32,
    /// The partner would cooperate but its officials lost the request (`corruption_j`).
    pub failures_corruption: u32,
    pub extraditions: u32,
    pub intelligence_shared: u32,
    pub joint_investigations: u32,
    // Traffickers and networks.
    pub traffickers_active: u32,
    pub traffickers_imprisoned: u32,
    pub networks_active: u32,
    pub revenue: f64,
    pub bribes_paid: f64,
    pub transit_flow: u32,
}

impl WeekCounters {
    /// Adds another country's counters (the world row is the sum of the country rows).
    pub fn add(&mut self, o: &WeekCounters) {
        macro_rules! add_all { ($($f:ident),*) => { $( self.$f += o.$f; )* } }
        add_all!(
            at_home,
            seeking,
            in_transit,
            exploited,
            safe_migrants,
            in_support,
            recruited_new,
            safe_migrations,
            identified_border,
            identified_inspection,
            identified_police,
            identified_ngo,
            identified_self,
            identified_self_exit,
            identified_total,
            supported,
            deported,
            testimonies,
            re_trafficked,
            re_trafficked_identified,
            escaped,
            leads,
            leads_expired,
            investigations_opened,
            investigations_running,
            arrests,
            prosecutions,
            convictions,
            acquittals,
            recruited_labour_forms,
            convictions_labour_forms,
            convictions_cross_border,
            bribed_cases,
            cross_border_requests,
            jurisdiction_failures,
            failures_dual_criminality,
            failures_refused,
            failures_corruption,
            extraditions,
            intelligence_shared,
            joint_investigations,
            traffickers_active,
            traffickers_imprisoned,
            networks_active,
            revenue,
            bribes_paid,
            transit_flow
        );
    }

    /// Persons counted in a stock: every person is in exactly one.
    pub fn persons(&self) -> u64 {
        [
            self.at_home,
            self.seeking,
            self.in_transit,
            self.exploited,
            self.safe_migrants,
            self.in_support,
        ]
        .iter()
        .map(|&x| x as u64)
        .sum()
    }
}

/// The world row: the sum of the country rows of one week.
pub fn world_total(countries: &[WeekCounters]) -> WeekCounters {
    let mut total = WeekCounters::default();
    countries.iter().for_each(|c| total.add(c));
    total
}
