//! Per-run totals and rates (MODEL.md §3, "Per run"), computed from the weekly world rows.
//!
//! Every rate is a share of something counted in the same recorded weeks, so it is in [0, 1]
//! however short the window and whatever the burn-in left running: identifications are
//! shared among every victimization the window saw (those under way when it opened
//! included), convictions among verdicts, re-trafficking of the identified among
//! identifications. Ratios that are not shares (`convictions_per_identified`,
//! `identified_per_exploited_year`, the per-100,000 and per-1,000 figures) are named so.
//!
//! A rate whose denominator is zero is undefined and is `None` (an empty cell in CSV), never
//! a made-up 0: an analyst must be able to tell "no convictions out of ten prosecutions"
//! from "no prosecutions".

use serde::Serialize;

use super::counters::WeekCounters;

/// The outcome columns of `summary.csv`, in order. `docs/OUTPUTS.md` defines each one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct RunSummary {
    /// Recruitments into trafficking, re-trafficking included.
    pub victims_total: u64,
    pub identified_total: u64,
    /// identified_total / (victims_at_start + victims_total): the share of the window's
    /// victimizations that ended in identification (MODEL.md §3, identified / ever victimized).
    pub identification_rate: Option<f64>,
    pub prosecutions_total: u64,
    pub convictions_total: u64,
    /// Convictions per verdict: convictions_total / (convictions + acquittals) (MODEL.md §3,
    /// convictions per prosecution, counting the prosecutions that reached a verdict).
    pub conviction_rate: Option<f64>,
    /// Mean over weeks of persons in exploitation, per 100,000 at-risk persons.
    pub prevalence_mean: f64,
    /// Persons in exploitation in the last week, per 100,000 at-risk persons.
    pub prevalence_final: f64,
    /// jurisdiction_failures / cross_border_requests.
    pub jurisdiction_failure_share: Option<f64>,
    /// re_trafficked / victims_total: the share of victimizations that are repeats.
    pub re_trafficking_rate: Option<f64>,
    /// re_trafficked_identified / identified_total: how often identified victims are
    /// trafficked again (what victim support protects against).
    pub re_trafficking_rate_identified: Option<f64>,
    /// Share of the labour forms among victims (recruitments) and among convictions.
    pub labour_share_of_victims: Option<f64>,
    pub labour_share_of_convictions: Option<f64>,
    /// Identified per year / mean persons in exploitation (the iceberg, MODEL.md §5).
    pub identified_per_exploited_year: Option<f64>,
    /// convictions_total / identified_total (the funnel).
    pub convictions_per_identified: Option<f64>,
    pub escaped_total: u64,
    pub identified_police_total: u64,
    /// Sum of `identified_self_exit`: escapees who came forward.
    pub identified_self_exit_total: u64,
    /// (identified_self + identified_self_exit) / identified_total: the share of
    /// identifications the victim initiated, from within exploitation or after escaping
    /// (UNODC's "victim's own action", GLOTIP 2022).
    pub self_initiated_share: Option<f64>,
    pub arrests_total: u64,
    pub jurisdiction_failures_total: u64,
    /// jurisdiction_failures_total by cause (sums of the weekly columns); the three sum to it.
    pub failures_dual_criminality_total: u64,
    pub failures_refused_total: u64,
    pub failures_corruption_total: u64,
    pub extraditions_total: u64,
    pub joint_investigations_total: u64,
    pub bribed_cases_total: u64,
    pub revenue_total: f64,
    pub bribes_paid_total: f64,
    pub networks_active_final: u64,
    /// Persons in transit or in exploitation when the recorded weeks begin (victimized
    /// before, during the burn-in).
    pub victims_at_start: u64,
    /// victims_total per 100,000 at-risk persons of the world.
    pub victims_per_100k: f64,
    /// Convictions in cases that needed another country.
    pub convictions_cross_border_total: u64,
    /// Traffickers convicted per 1,000 victims (victims_total), MODEL.md §3.
    pub convictions_per_1000_victims: Option<f64>,
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl RunSummary {
    /// Summarizes a run from its weekly world rows and the world's at-risk population.
    /// `victims_at_start` are the persons in transit or exploitation when the weeks began.
    pub fn from_world_weeks(
        world: &[WeekCounters],
        at_risk: u64,
        victims_at_start: u64,
    ) -> RunSummary {
        let total =
            |f: fn(&WeekCounters) -> u32| -> u64 { world.iter().map(|w| f(w) as u64).sum() };
        let victims = total(|w| w.recruited_new);
        let identified = total(|w| w.identified_total);
        let prosecutions = total(|w| w.prosecutions);
        let convictions = total(|w| w.convictions);
        let weeks = world.len().max(1) as f64;
        let per_100k = |x: f64| {
            if at_risk == 0 {
                0.0
            } else {
                x * 100_000.0 / at_risk as f64
            }
        };
        let exploited_mean = total(|w| w.exploited) as f64 / weeks;
        let last = world.last().copied().unwrap_or_default();
        RunSummary {
            victims_total: victims,
            identified_total: identified,
            identification_rate: ratio(identified, victims_at_start + victims),
            prosecutions_total: prosecutions,
            convictions_total: convictions,
            conviction_rate: ratio(convictions, convictions + total(|w| w.acquittals)),
            prevalence_mean: per_100k(exploited_mean),
            prevalence_final: per_100k(last.exploited as f64),
            jurisdiction_failure_share: ratio(
                total(|w| w.jurisdiction_failures),
                total(|w| w.cross_border_requests),
            ),
            re_trafficking_rate: ratio(total(|w| w.re_trafficked), victims),
            re_trafficking_rate_identified: ratio(
                total(|w| w.re_trafficked_identified),
                identified,
            ),
            labour_share_of_victims: ratio(total(|w| w.recruited_labour_forms), victims),
            labour_share_of_convictions: ratio(total(|w| w.convictions_labour_forms), convictions),
            identified_per_exploited_year: (exploited_mean > 0.0)
                .then(|| identified as f64 / (weeks / 52.0) / exploited_mean),
            convictions_per_identified: ratio(convictions, identified),
            escaped_total: total(|w| w.escaped),
            identified_police_total: total(|w| w.identified_police),
            identified_self_exit_total: total(|w| w.identified_self_exit),
            self_initiated_share: ratio(
                total(|w| w.identified_self + w.identified_self_exit),
                identified,
            ),
            arrests_total: total(|w| w.arrests),
            jurisdiction_failures_total: total(|w| w.jurisdiction_failures),
            failures_dual_criminality_total: total(|w| w.failures_dual_criminality),
            failures_refused_total: total(|w| w.failures_refused),
            failures_corruption_total: total(|w| w.failures_corruption),
            extraditions_total: total(|w| w.extraditions),
            joint_investigations_total: total(|w| w.joint_investigations),
            bribed_cases_total: total(|w| w.bribed_cases),
            revenue_total: world.iter().map(|w| w.revenue).sum(),
            bribes_paid_total: world.iter().map(|w| w.bribes_paid).sum(),
            networks_active_final: last.networks_active as u64,
            victims_at_start,
            victims_per_100k: per_100k(victims as f64),
            convictions_cross_border_total: total(|w| w.convictions_cross_border),
            convictions_per_1000_victims: ratio(convictions, victims).map(|r| r * 1000.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_rates_are_none_not_zero() {
        let s = RunSummary::from_world_weeks(&[WeekCounters::default()], 1000, 0);
        assert_eq!(s.identification_rate, None);
        assert_eq!(s.conviction_rate, None);
        assert_eq!(s.prevalence_mean, 0.0);
    }

    #[test]
    fn totals_and_rates_from_weeks() {
        let w = WeekCounters {
            recruited_new: 10,
            identified_total: 2,
            prosecutions: 4,
            convictions: 1,
            acquittals: 3,
            convictions_cross_border: 1,
            exploited: 50,
            ..Default::default()
        };
        let s = RunSummary::from_world_weeks(&[w, w], 100_000, 5);
        assert_eq!(s.victims_total, 20);
        assert_eq!(s.victims_per_100k, 20.0);
        // 4 identified among the 5 victims of the burn-in and the 20 recruited.
        assert_eq!(s.identification_rate, Some(4.0 / 25.0));
        // 2 convictions among 8 verdicts.
        assert_eq!(s.conviction_rate, Some(0.25));
        assert_eq!(s.convictions_cross_border_total, 2);
        assert_eq!(s.convictions_per_1000_victims, Some(100.0));
        assert_eq!(s.prevalence_mean, 50.0);
        // 4 identified over 2/52 of a year, against 50 exploited on average.
        let expected = 4.0 / (2.0 / 52.0) / 50.0;
        assert!((s.identified_per_exploited_year.unwrap() - expected).abs() < 1e-9);
    }
}
