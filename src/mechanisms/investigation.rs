//! Step 7, investigation (MODEL.md §2): each agency works its leads with finite capacity.
//!
//! - Proactive police work gives leads on active traffickers in the country:
//!   weekly `police_lead_rate × resources × training × (1 − corruption)` per trafficker, about
//!   a form drawn from the victims' forms weighted by police attention (`police_focus_other`
//!   for forms other than sexual exploitation).
//! - Leads wait at most `lead_expiry_weeks`; the agency opens investigations from the strongest
//!   (then oldest) leads until `capacity = ceil(resources × investigations_per_100k × world
//!   at-risk / 100,000)` investigations run at once. Unworked leads expire.
//! - A lead on a trafficker in another country `j` needs `j`'s help: it succeeds with
//!   probability `cooperation(i, j) × (1 − corruption_j)` and only under dual criminality;
//!   otherwise it is a jurisdiction failure.
//! - When an investigation opens the suspect may flee (`flee_prob`) to the country that
//!   cooperates least with the investigating one; bringing them back at the end needs
//!   extradition, under the same conditions.
//! - At its end an investigation is neutralized by a bribe with probability `corruption` of the
//!   investigating country if the network's bribe budget covers `bribe_cost`; otherwise it ends
//!   in arrest with probability `investigation_success × training × (0.4 + 0.6 × evidence)`.

use rand::Rng;

use crate::draws::draw_form;
use crate::params::Offence;
use crate::world::{
    Arrest, Case, CaseSource, CountryId, Investigation, Lead, NetworkId, Role, TraffickerId,
    TraffickerState, World,
};

/// The evidence a case about `form` carries, from a source worth `evidence`: labour-form cases
/// are weaker by `labour_evidence` (MODEL.md §5: labour trafficking is under-enforced).
pub fn case_evidence(world: &World, form: Offence, evidence: f64) -> f64 {
    if form.is_labour_form() {
        evidence * world.model.labour_evidence
    } else {
        evidence
    }
}

/// The agency of `agency` receives a lead on trafficker `target`.
pub fn add_lead(
    world: &mut World,
    agency: CountryId,
    target: TraffickerId,
    form: Offence,
    evidence: f64,
    source: CaseSource,
) {
    let created = world.week;
    let evidence = case_evidence(world, form, evidence);
    world.agencies[agency.index()].leads.push(Lead {
        target,
        form,
        evidence,
        created,
        source,
    });
    world.counter(agency).leads += 1;
}

/// A free member of `network` in `role`: an active one if there is one (ties: the earliest
/// recruited), else one already under investigation or fled.
pub fn free_member(world: &World, network: NetworkId, role: Role) -> Option<TraffickerId> {
    let members = &world.networks[network.index()].members;
    let of_role = |&&t: &&TraffickerId| world.traffickers[t.index()].role == role;
    members
        .iter()
        .filter(of_role)
        .find(|t| world.traffickers[t.index()].state == TraffickerState::Active)
        .or_else(|| {
            members
                .iter()
                .filter(of_role)
                .find(|t| world.traffickers[t.index()].is_free())
        })
        .copied()
}

/// Why a cross-border request failed (the columns `failures_*` of `timeseries.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureCause {
    /// The requested country does not criminalize the form.
    DualCriminality,
    /// The requested country would not cooperate.
    Refused,
    /// The requested country would cooperate, but its officials lost the request.
    Corruption,
}

/// Counts a jurisdiction failure of `from`'s request, in the total and under its cause.
pub fn count_failure(world: &mut World, from: CountryId, cause: FailureCause) {
    let c = world.counter(from);
    c.jurisdiction_failures += 1;
    match cause {
        FailureCause::DualCriminality => c.failures_dual_criminality += 1,
        FailureCause::Refused => c.failures_refused += 1,
        FailureCause::Corruption => c.failures_corruption += 1,
    }
}

/// Whether `to` grants a request from `from` about `form` (mutual legal assistance,
/// extradition): dual criminality, then `cooperation(from, to) × (1 − corruption_to)`. Counts
/// the request and, if it fails, the jurisdiction failure (at the requesting country) with
/// its cause. The one uniform draw tells the causes apart without a draw of its own: at or
/// above `cooperation` the partner refused (probability `1 − cooperation`); between
/// `cooperation × (1 − corruption)` and `cooperation` it cooperated and its officials lost
/// the request (probability `cooperation × corruption`).
pub fn cross_border_request(
    world: &mut World,
    from: CountryId,
    to: CountryId,
    form: Offence,
    rng_draw: f64,
) -> bool {
    world.counter(from).cross_border_requests += 1;
    let cause = if !world.dual_criminality(from, to, form) {
        Some(FailureCause::DualCriminality)
    } else {
        let cooperation = world.cooperation.level(from, to);
        if rng_draw < cooperation * (1.0 - world.country(to).params.numbers.corruption) {
            None
        } else if rng_draw >= cooperation {
            Some(FailureCause::Refused)
        } else {
            Some(FailureCause::Corruption)
        }
    };
    match cause {
        None => true,
        Some(cause) => {
            count_failure(world, from, cause);
            false
        }
    }
}

pub fn investigation(world: &mut World) {
    return_fled_suspects(world);
    proactive_police_leads(world);
    for i in 0..world.n_countries() {
        let agency = CountryId::new(i);
        expire_leads(world, agency);
        open_investigations(world, agency);
        close_investigations(world, agency);
    }
}

/// Fled suspects who were not extradited resume their work when their time abroad is over.
fn return_fled_suspects(world: &mut World) {
    let week = world.week;
    for t in 0..world.traffickers.len() {
        let tr = &world.traffickers[t];
        if tr.state == TraffickerState::Fled && tr.until <= week {
            world.release(TraffickerId::new(t));
        }
    }
}

fn proactive_police_leads(world: &mut World) {
    for t in 0..world.traffickers.len() {
        let tr = &world.traffickers[t];
        if tr.state != TraffickerState::Active {
            continue;
        }
        let c = tr.country;
        let n = &world.country(c).params.numbers;
        let chance = world.model.police_lead_rate * n.resources * n.training * (1.0 - n.corruption);
        if world.rngs.investigation.random::<f64>() < chance {
            let form = draw_form(
                &world.police_form_cumulative,
                world.rngs.investigation.random(),
            );
            if world.criminalizes(c, form) {
                add_lead(
                    world,
                    c,
                    TraffickerId::new(t),
                    form,
                    world.model.evidence_police,
                    CaseSource::Domestic,
                );
            }
        }
    }
}

fn expire_leads(world: &mut World, agency: CountryId) {
    let week = world.week;
    let expiry = world.model.lead_expiry_weeks as u32;
    let leads = &mut world.agencies[agency.index()].leads;
    let before = leads.len();
    leads.retain(|l| week - l.created < expiry);
    let expired = (before - leads.len()) as u32;
    world.counter(agency).leads_expired += expired;
}

fn open_investigations(world: &mut World, agency: CountryId) {
    let capacity = world.capacity(agency);
    let mut leads = std::mem::take(&mut world.agencies[agency.index()].leads);
    // Strongest evidence first, then oldest (a stable sort keeps arrival order among equals).
    leads.sort_by(|a, b| b.evidence.total_cmp(&a.evidence));
    let mut used = 0;
    for lead in &leads {
        let running = world.agencies[agency.index()]
            .investigations
            .iter()
            .filter(|x| !x.joint)
            .count();
        if running >= capacity {
            break;
        }
        used += 1;
        open_one(world, agency, *lead);
    }
    leads.drain(..used);
    world.agencies[agency.index()].leads = leads;
}

/// Works one lead: a cross-border request if the suspect is abroad, then the investigation.
fn open_one(world: &mut World, agency: CountryId, lead: Lead) {
    let target = &world.traffickers[lead.target.index()];
    // A stale lead: the suspect is already under investigation, arrested or gone.
    if target.state != TraffickerState::Active {
        return;
    }
    let abroad = target.country;
    if abroad != agency {
        let draw = world.rngs.investigation.random::<f64>();
        if !cross_border_request(world, agency, abroad, lead.form, draw) {
            return;
        }
    }
    start_investigation(
        world,
        agency,
        lead.target,
        lead.form,
        lead.evidence,
        lead.source,
    );
}

/// Opens an investigation (also used for joint investigations by step 9).
pub fn start_investigation(
    world: &mut World,
    agency: CountryId,
    target: TraffickerId,
    form: Offence,
    evidence: f64,
    source: CaseSource,
) {
    let week = world.week;
    let joint = source == CaseSource::Joint;
    let here = world.traffickers[target.index()].country;
    let weeks = world.model.investigation_weeks as u32;
    // A joint team needs no mutual-legal-assistance round trip: half the time.
    let duration = if joint { weeks.div_ceil(2) } else { weeks };
    world.counter(agency).investigations_opened += 1;
    world.agencies[agency.index()]
        .investigations
        .push(Investigation {
            target,
            form,
            evidence,
            ends: week + duration,
            joint,
            cross_border: source != CaseSource::Domestic || here != agency,
        });
    let flees = world.rngs.investigation.random::<f64>() < world.model.flee_prob;
    let refuge = world.cooperation.weakest_partner(agency, here);
    let fled_weeks = world.model.fled_weeks as u32;
    let tr = &mut world.traffickers[target.index()];
    match refuge {
        Some(refuge) if flees => {
            tr.state = TraffickerState::Fled;
            tr.country = refuge;
            // He hides at least while he is wanted: back before the investigation ends, he
            // would walk out of it unseen (fled suspects return before investigations close).
            tr.until = week + fled_weeks.max(duration + 1);
        }
        _ => tr.state = TraffickerState::UnderInvestigation,
    }
}

fn close_investigations(world: &mut World, agency: CountryId) {
    let week = world.week;
    let mut k = 0;
    while k < world.agencies[agency.index()].investigations.len() {
        if world.agencies[agency.index()].investigations[k].ends <= week {
            let inv = world.agencies[agency.index()].investigations.swap_remove(k);
            conclude(world, agency, inv);
        } else {
            k += 1;
        }
    }
}

/// The end of an investigation: extradition if the suspect fled, then bribe or arrest.
fn conclude(world: &mut World, agency: CountryId, inv: Investigation) {
    let t = inv.target;
    let state = world.traffickers[t.index()].state;
    let extradited = state == TraffickerState::Fled;
    if extradited {
        let refuge = world.traffickers[t.index()].country;
        let draw = world.rngs.investigation.random::<f64>();
        if !cross_border_request(world, agency, refuge, inv.form, draw) {
            return;
        }
        world.counter(agency).extraditions += 1;
        world.traffickers[t.index()].country = agency;
    } else if state != TraffickerState::UnderInvestigation {
        return;
    }
    let network = world.traffickers[t.index()].network;
    let n = &world.country(agency).params.numbers;
    let (corruption, training) = (n.corruption, n.training);
    let rng = &mut world.rngs.investigation;
    let bribe_taken = rng.random::<f64>() < corruption;
    let success_draw = rng.random::<f64>();
    // A suspect who walks free goes back to his post: after an extradition he is in the
    // investigating country, and his network may have moved meanwhile.
    if bribe_taken && pay_bribe(world, network, agency) {
        world.release(t);
        return;
    }
    let success = world.model.investigation_success * training * (0.4 + 0.6 * inv.evidence);
    if success_draw >= success {
        world.release(t);
        return;
    }
    let case = Case {
        country: world.traffickers[t.index()].country,
        form: inv.form,
        evidence: inv.evidence,
        cross_border: inv.cross_border || extradited,
    };
    arrest(world, agency, t, case);
}

/// A bribe that a corrupt official of `country` took: network `network` pays `bribe_cost`
/// from its bribe budget, if it holds that much, and the case is neutralized (counted as
/// bribed in `country`). Returns whether it paid; a network that cannot pay is not spared.
pub fn pay_bribe(world: &mut World, network: NetworkId, country: CountryId) -> bool {
    let cost = world.model.bribe_cost;
    let budget = &mut world.networks[network.index()].bribe_budget;
    if *budget < cost {
        return false;
    }
    *budget -= cost;
    let c = world.counter(country);
    c.bribed_cases += 1;
    c.bribes_paid += cost;
    true
}

/// Arrests trafficker `t` where he is (`case.country`), with the case for his trial.
pub fn arrest(world: &mut World, agency: CountryId, t: TraffickerId, case: Case) {
    let tr = &mut world.traffickers[t.index()];
    let (here, role, network) = (tr.country, tr.role, tr.network);
    tr.state = TraffickerState::Arrested;
    tr.case = Some(case);
    world.counter(here).arrests += 1;
    world.arrests.push(Arrest {
        agency,
        trafficker: t,
        form: case.form,
    });
    world.networks[network.index()].observed_risk[here.index()] += 1.0;
    if role == Role::Exploiter {
        // Police find some of the victims this exploiter held: `rescue_share` of the 1/k of
        // the network's victims in the country that were his, k its exploiters there (the
        // arrested one included).
        let exploiters_here = world.networks[network.index()]
            .members
            .iter()
            .map(|m| &world.traffickers[m.index()])
            .filter(|m| m.role == Role::Exploiter && m.country == here)
            .filter(|m| m.is_free() || m.state == TraffickerState::Arrested)
            .count()
            .max(1);
        let chance = world.model.rescue_share / exploiters_here as f64;
        let net = &mut world.networks[network.index()];
        net.rescue = Some(match net.rescue {
            Some((c, before)) if c == here => (here, 1.0 - (1.0 - before) * (1.0 - chance)),
            _ => (here, chance),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::{run_weeks, world_with};

    #[test]
    fn no_corruption_gives_no_bribed_cases() {
        let trace = run_weeks(
            world_with(|s| {
                for c in &mut s.countries {
                    c.params.numbers.corruption = 0.0;
                }
                s.model.police_lead_rate = 0.05;
            }),
            150,
        );
        let opened: u64 = trace
            .world
            .iter()
            .map(|x| x.investigations_opened as u64)
            .sum();
        let bribed: u64 = trace.total(|x| x.bribed_cases);
        assert!(opened > 10, "opened {opened}");
        assert_eq!(bribed, 0);
    }

    #[test]
    fn full_corruption_with_money_bribes_cases() {
        let trace = run_weeks(
            world_with(|s| {
                for c in &mut s.countries {
                    c.params.numbers.corruption = 1.0;
                }
                s.model.police_lead_rate = 0.05;
                s.model.bribe_cost = 0.0;
            }),
            150,
        );
        let bribed: u64 = trace.total(|x| x.bribed_cases);
        let arrests: u64 = trace.total(|x| x.arrests);
        assert!(bribed > 0);
        assert_eq!(arrests, 0);
    }

    #[test]
    fn zero_cooperation_makes_every_cross_border_request_fail() {
        let trace = run_weeks(
            world_with(|s| {
                s.cooperation.default = 0.0;
                s.cooperation.blocs.clear();
                s.cooperation.pairs.clear();
                for c in &mut s.countries {
                    c.params.numbers.ngo = 1.0;
                    c.params.numbers.victim_support = 1.0;
                    c.params.numbers.corruption = 0.0;
                }
                s.model.ngo_rate = 0.05;
                s.model.flee_prob = 0.5;
                s.model.police_lead_rate = 0.05;
            }),
            150,
        );
        let sum = |f| trace.total(f);
        assert!(sum(|x| x.cross_border_requests) > 5);
        assert_eq!(
            sum(|x| x.cross_border_requests),
            sum(|x| x.jurisdiction_failures)
        );
        assert_eq!(sum(|x| x.extraditions), 0);
        assert_eq!(sum(|x| x.intelligence_shared), 0);
        assert_eq!(sum(|x| x.joint_investigations), 0);
    }

    #[test]
    fn a_suspect_hides_while_wanted_and_the_case_ends_in_an_extradition_request() {
        // Investigations outlast the time in hiding: the suspect must still be abroad when
        // his investigation ends, so that it asks for his extradition.
        let trace = run_weeks(
            world_with(|s| {
                s.cooperation.default = 1.0;
                for c in &mut s.countries {
                    c.params.numbers.corruption = 0.0;
                }
                s.model.police_lead_rate = 0.05;
                s.model.flee_prob = 1.0;
                s.model.investigation_weeks = 30.0;
                s.model.fled_weeks = 4.0;
            }),
            150,
        );
        let sum = |f| trace.total(f);
        assert!(sum(|x| x.investigations_opened) > 10);
        assert!(
            sum(|x| x.extraditions) > 0,
            "every suspect flees: some are extradited"
        );
    }

    #[test]
    fn capacity_bounds_running_investigations() {
        let mut w = world_with(|s| s.model.police_lead_rate = 1.0);
        w.model.investigation_weeks = 50.0;
        for week in 0..5 {
            w.week = week;
            crate::mechanisms::step_week(&mut w);
            for c in 0..w.n_countries() {
                let id = CountryId::new(c);
                let running = w.agencies[c]
                    .investigations
                    .iter()
                    .filter(|x| !x.joint)
                    .count();
                assert!(running <= w.capacity(id));
            }
        }
    }

    #[test]
    fn dual_criminality_is_required_for_a_request() {
        let mut w = crate::mechanisms::testkit::small_world();
        w.countries[0].params.offences = crate::params::OffenceSet::EMPTY;
        w.cooperation = crate::mechanisms::testkit::flat_cooperation(1.0);
        w.countries[0].params.numbers.corruption = 0.0;
        let (a, b) = (CountryId::new(2), CountryId::new(0));
        assert!(!cross_border_request(&mut w, a, b, Offence::Labour, 0.0));
        assert!(cross_border_request(
            &mut w,
            a,
            CountryId::new(1),
            Offence::Labour,
            0.5
        ));
        assert_eq!(w.counters[2].cross_border_requests, 2);
        assert_eq!(w.counters[2].jurisdiction_failures, 1);
        assert_eq!(w.counters[2].failures_dual_criminality, 1);
    }

    /// One draw, three outcomes: below `cooperation × (1 − corruption)` granted, at or above
    /// `cooperation` refused, in between lost to corruption.
    #[test]
    fn a_failed_request_is_counted_under_its_cause() {
        let mut w = crate::mechanisms::testkit::small_world();
        w.cooperation = crate::mechanisms::testkit::flat_cooperation(0.5);
        w.countries[1].params.numbers.corruption = 0.4;
        let (a, b) = (CountryId::new(2), CountryId::new(1));
        // Granted below 0.5 × 0.6 = 0.3.
        assert!(cross_border_request(&mut w, a, b, Offence::Labour, 0.29));
        assert!(!cross_border_request(&mut w, a, b, Offence::Labour, 0.3));
        assert!(!cross_border_request(&mut w, a, b, Offence::Labour, 0.49));
        assert!(!cross_border_request(&mut w, a, b, Offence::Labour, 0.5));
        assert!(!cross_border_request(&mut w, a, b, Offence::Labour, 0.99));
        let c = &w.counters[2];
        assert_eq!(
            (
                c.jurisdiction_failures,
                c.failures_dual_criminality,
                c.failures_refused,
                c.failures_corruption
            ),
            (4, 0, 2, 2)
        );
    }
}
