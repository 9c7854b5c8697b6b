//! The scenario's timeline as the charts mark it: each policy, dismantling and shock of every
//! scenario, read from the scenario itself (its recorded text parsed again), described in words
//! and numbered in week order (`P1`, `P2`, …, `S1`, …; a dismantling is marked as a policy, the
//! countries of one week and share together). Nothing here knows any one scenario.

use super::svg::lines::{MarkKind, TimeMark};
use crate::scenario::{Change, Policy, Scenario, Shock, Target, Value};

/// The dismantlings of a scenario in words, one per week and share, its countries together:
/// `week 52, dismantling in Aurelia, Borealis: each trafficker there arrested with probability 0.9`.
pub fn describe_dismantlings(s: &Scenario) -> Vec<(u32, String)> {
    let mut groups: Vec<(u32, f64, Vec<&str>)> = Vec::new();
    for d in &s.dismantlings {
        let name = s
            .countries
            .get(d.country.index())
            .map_or("?", |c| c.name.as_str());
        match groups
            .iter_mut()
            .find(|(w, share, _)| *w == d.week && *share == d.share)
        {
            Some(group) => group.2.push(name),
            None => groups.push((d.week, d.share, vec![name])),
        }
    }
    groups
        .into_iter()
        .map(|(week, share, names)| {
            let text = format!(
                "week {week}, dismantling in {}: each trafficker there arrested with probability {share}",
                names.join(", ")
            );
            (week, text)
        })
        .collect()
}

/// What a policy targets, in words.
fn target(s: &Scenario, t: &Target) -> String {
    let country = |id: crate::ids::CountryId| {
        s.countries
            .get(id.index())
            .map_or_else(|| "?".to_string(), |c| c.name.clone())
    };
    match t {
        Target::All => "every country".into(),
        Target::Country(id) => country(*id),
        Target::Bloc(i) => format!(
            "bloc {}",
            s.cooperation.blocs.get(*i).map_or("?", |b| b.name.as_str())
        ),
        Target::Pair(a, b) => format!("{} and {}", country(*a), country(*b)),
    }
}

fn change(c: &Change) -> String {
    match c {
        Change::Set {
            param,
            value: Value::Number(v),
        } => format!("{param} = {v}"),
        Change::Set {
            param,
            value: Value::Offences(set),
        } => format!("{param} = [{}]", set.names().join(", ")),
        Change::Scale { param, factor } => format!("{param} × {factor}"),
    }
}

/// A policy in words: `week 156, Caldera: enforcement.resources × 2 (ramped over 26 weeks)`.
pub fn describe_policy(s: &Scenario, p: &Policy) -> String {
    let changes: Vec<String> = p.changes.iter().map(change).collect();
    let ramp = if p.ramp_weeks > 1 {
        format!(" (ramped over {} weeks)", p.ramp_weeks)
    } else {
        String::new()
    };
    format!(
        "week {}, {}: {}{ramp}",
        p.week,
        target(s, &p.target),
        changes.join(", ")
    )
}

/// A shock in words.
pub fn describe_shock(s: &Scenario, k: &Shock) -> String {
    format!(
        "weeks {} to {}, {}: vulnerability × {}",
        k.week,
        k.week + k.weeks.saturating_sub(1),
        s.countries
            .get(k.country.index())
            .map_or("?", |c| c.name.as_str()),
        k.vulnerability
    )
}

/// The marks of all scenarios, numbered; with several scenarios each description names its
/// scenario, and a mark two scenarios share is shown once.
pub fn marks(scenarios: &[Scenario]) -> Vec<TimeMark> {
    let mut policies: Vec<(f64, String)> = Vec::new();
    let mut shocks: Vec<(f64, f64, String)> = Vec::new();
    let named = |s: &Scenario, text: String| {
        if scenarios.len() > 1 {
            format!("{}: {text}", s.name)
        } else {
            text
        }
    };
    for s in scenarios {
        let rules = s
            .policies
            .iter()
            .map(|p| (p.week, describe_policy(s, p)))
            .chain(describe_dismantlings(s));
        for (week, d) in rules {
            if let Some(same) = policies
                .iter_mut()
                .find(|(w, t)| *w == f64::from(week) && t.ends_with(&d))
            {
                same.1 = d; // shared by several scenarios: no scenario named
            } else {
                policies.push((f64::from(week), named(s, d)));
            }
        }
        for k in &s.shocks {
            let d = describe_shock(s, k);
            if let Some(same) = shocks.iter_mut().find(|(_, _, t)| t.ends_with(&d)) {
                same.2 = d;
            } else {
                shocks.push((f64::from(k.week), f64::from(k.weeks), named(s, d)));
            }
        }
    }
    policies.sort_by(|a, b| a.0.total_cmp(&b.0));
    shocks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let policy_marks = policies
        .into_iter()
        .enumerate()
        .map(|(i, (week, title))| TimeMark {
            kind: MarkKind::Policy,
            label: format!("P{}", i + 1),
            title,
            week,
            weeks: 0.0,
        });
    let shock_marks = shocks
        .into_iter()
        .enumerate()
        .map(|(i, (week, weeks, title))| TimeMark {
            kind: MarkKind::Shock,
            label: format!("S{}", i + 1),
            title,
            week,
            weeks,
        });
    policy_marks.chain(shock_marks).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
schema = 1
[run]
weeks = 30
[[country]]
name = "A"
at_risk = 1000
[[country]]
name = "B"
at_risk = 1000
[[policy]]
week = 20
target = "country.B"
scale = { corruption = 0.5 }
ramp_weeks = 4
[[policy]]
week = 5
target = "all"
set = { ngo = 0.4 }
[[shock]]
country = "A"
week = 10
weeks = 3
vulnerability = 1.5
"#;

    #[test]
    fn marks_come_from_the_scenario_in_week_order() {
        let s = crate::scenario::parse(TEXT, "t.toml", &[]).unwrap();
        let m = marks(std::slice::from_ref(&s));
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].label.as_str(), m[0].week), ("P1", 5.0));
        assert_eq!(m[0].title, "week 5, every country: ngo = 0.4");
        assert_eq!(
            m[1].title,
            "week 20, B: corruption × 0.5 (ramped over 4 weeks)"
        );
        assert_eq!(
            (m[2].kind, m[2].week, m[2].weeks),
            (MarkKind::Shock, 10.0, 3.0)
        );
        assert_eq!(m[2].title, "weeks 10 to 12, A: vulnerability × 1.5");
    }

    #[test]
    fn a_policy_shared_by_two_scenarios_is_marked_once() {
        let a = crate::scenario::parse(TEXT, "a.toml", &[]).unwrap();
        let b = crate::scenario::parse(TEXT, "b.toml", &[]).unwrap();
        let m = marks(&[a, b]);
        assert_eq!(m.len(), 3);
        assert!(!m[0].title.starts_with("a:"));
    }

    #[test]
    fn dismantlings_of_one_week_and_share_are_one_mark() {
        let text = format!(
            "{TEXT}[[dismantle]]\ncountry = \"A\"\nweek = 8\nshare = 0.9\n\
             [[dismantle]]\ncountry = \"B\"\nweek = 8\nshare = 0.9\n\
             [[dismantle]]\ncountry = \"B\"\nweek = 30\nshare = 0.5\n"
        );
        let s = crate::scenario::parse(&text, "t.toml", &[]).unwrap();
        let m = marks(std::slice::from_ref(&s));
        let titles: Vec<(&str, &str)> = m
            .iter()
            .map(|m| (m.label.as_str(), m.title.as_str()))
            .collect();
        assert_eq!(
            titles[1],
            (
                "P2",
                "week 8, dismantling in A, B: each trafficker there arrested with probability 0.9"
            )
        );
        assert_eq!(titles[3].0, "P4");
        assert!(titles[3].1.starts_with("week 30, dismantling in B:"));
        assert_eq!(m.len(), 5);
    }
}
