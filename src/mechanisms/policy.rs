//! Step 1, policy schedule (MODEL.md §2 and §4): applies the interventions and shocks due this
//! week. A policy sets or scales parameters of a country, a bloc's members, every country, a
//! bloc's internal cooperation or a pair's cooperation, at once or ramped linearly; then the
//! shocks, and the targeted dismantlings due (`dismantling`).

use crate::params::{Domain, country_spec};
use crate::scenario::{Change, Pair, Target, Value};
use crate::world::{CountryId, Ramp, Slot, World};

pub fn apply_policy_schedule(world: &mut World) {
    let week = world.week;
    let mut cooperation_changed = false;
    for i in 0..world.policies.len() {
        if world.policies[i].week != week {
            continue;
        }
        let policy = world.policies[i].clone();
        for change in &policy.changes {
            let (param, set_to) = match change {
                Change::Set { param, value } => (param, Some(value)),
                Change::Scale { param, .. } => (param, None),
            };
            for slot in slots(world, policy.target, param) {
                cooperation_changed |= !matches!(slot, Slot::Country(..));
                if let (Slot::Country(c, _), Some(Value::Offences(set))) = (&slot, set_to) {
                    world.countries[c.index()].params.offences = *set;
                    continue;
                }
                let from = read(world, &slot);
                let to = match change {
                    Change::Set {
                        value: Value::Number(v),
                        ..
                    } => *v,
                    Change::Scale { factor, .. } => clamp_to_domain(&slot, from * factor),
                    Change::Set { .. } => continue,
                };
                if policy.ramp_weeks <= 1 {
                    write(world, &slot, to);
                } else {
                    world.ramps.push(Ramp {
                        slot,
                        from,
                        to,
                        start: week,
                        weeks: policy.ramp_weeks,
                    });
                }
            }
        }
    }
    for r in 0..world.ramps.len() {
        let ramp = &world.ramps[r];
        let fraction = ((week - ramp.start + 1) as f64 / ramp.weeks as f64).min(1.0);
        let value = ramp.from + (ramp.to - ramp.from) * fraction;
        let slot = ramp.slot.clone();
        cooperation_changed |= !matches!(slot, Slot::Country(..));
        write(world, &slot, value);
    }
    world.ramps.retain(|r| week - r.start + 1 < r.weeks);
    if cooperation_changed {
        world.cooperation =
            crate::world::Cooperation::from_spec(&world.cooperation_spec, world.n_countries());
    }
    apply_shocks(world);
    super::dismantling::dismantle(world);
}

/// The vulnerability multiplier of each country this week: the product of its active shocks.
fn apply_shocks(world: &mut World) {
    let week = world.week;
    for c in &mut world.countries {
        c.shock = 1.0;
    }
    for s in &world.shocks {
        if week >= s.week && week - s.week < s.weeks {
            world.countries[s.country.index()].shock *= s.vulnerability;
        }
    }
}

/// Where a change of `param` on `target` lands.
fn slots(world: &World, target: Target, param: &str) -> Vec<Slot> {
    let country = |c: CountryId| Slot::Country(c, param.to_string());
    match target {
        Target::All => (0..world.n_countries())
            .map(|i| country(CountryId::new(i)))
            .collect(),
        Target::Country(c) => vec![country(c)],
        Target::Bloc(b) if param == "cooperation" => vec![Slot::Bloc(b)],
        Target::Bloc(b) => world.cooperation_spec.blocs[b]
            .members
            .iter()
            .map(|&c| country(c))
            .collect(),
        Target::Pair(a, b) => vec![Slot::Pair(a, b)],
    }
}

fn read(world: &World, slot: &Slot) -> f64 {
    match slot {
        Slot::Country(c, param) => world.countries[c.index()]
            .params
            .numbers
            .get(param)
            .unwrap_or(0.0),
        Slot::Bloc(b) => world.cooperation_spec.blocs[*b]
            .cooperation
            .unwrap_or(world.cooperation_spec.default),
        Slot::Pair(a, b) => world.cooperation.level(*a, *b),
    }
}

fn write(world: &mut World, slot: &Slot, value: f64) {
    match slot {
        Slot::Country(c, param) => {
            if let Some(x) = world.countries[c.index()].params.numbers.get_mut(param) {
                *x = value;
            }
        }
        Slot::Bloc(b) => world.cooperation_spec.blocs[*b].cooperation = Some(value),
        Slot::Pair(a, b) => {
            let pairs = &mut world.cooperation_spec.pairs;
            match pairs
                .iter_mut()
                .find(|p| (p.a, p.b) == (*a, *b) || (!p.directed && (p.a, p.b) == (*b, *a)))
            {
                Some(p) => p.cooperation = value,
                None => pairs.push(Pair {
                    a: *a,
                    b: *b,
                    cooperation: value,
                    directed: false,
                }),
            }
        }
    }
}

/// A scaled value is kept inside its parameter's range (doubling a corruption of 0.6 gives 1).
fn clamp_to_domain(slot: &Slot, value: f64) -> f64 {
    let domain = match slot {
        Slot::Country(_, param) => country_spec(param).map(|s| s.domain),
        _ => None,
    };
    match domain {
        Some(Domain::Real { min, max }) => value.clamp(min, max),
        Some(Domain::Count { min, max }) => value.round().clamp(min, max),
        _ => value.clamp(0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::testkit::world_with;
    use crate::params::OffenceSet;
    use crate::scenario::{Bloc, Policy, Shock};

    /// Applies the schedule week by week, each week once, as the run loop does.
    struct Clock {
        next: u32,
    }

    impl Clock {
        fn to(&mut self, world: &mut World, week: u32) {
            while self.next <= week {
                world.week = self.next;
                apply_policy_schedule(world);
                self.next += 1;
            }
        }
    }

    #[test]
    fn a_ramp_moves_linearly_and_a_set_of_offences_applies_at_once() {
        let mut w = world_with(|s| {
            s.policies = vec![Policy {
                week: 10,
                target: Target::Country(CountryId::new(1)),
                changes: vec![
                    Change::Scale {
                        param: "enforcement.resources".into(),
                        factor: 2.0,
                    },
                    Change::Set {
                        param: "law.offences".into(),
                        value: Value::Offences(OffenceSet::EMPTY),
                    },
                ],
                ramp_weeks: 4,
            }]
        });
        let resources = |w: &World| w.countries[1].params.numbers.resources;
        let mut clock = Clock { next: 0 };
        clock.to(&mut w, 9);
        assert_eq!(resources(&w), 0.5);
        clock.to(&mut w, 10);
        assert!((resources(&w) - 0.625).abs() < 1e-12);
        assert!(w.countries[1].params.offences.is_empty());
        clock.to(&mut w, 12);
        assert!((resources(&w) - 0.875).abs() < 1e-12);
        clock.to(&mut w, 20);
        assert!((resources(&w) - 1.0).abs() < 1e-12);
        assert!(w.ramps.is_empty());
        assert_eq!(
            w.countries[0].params.numbers.resources, 0.5,
            "others untouched"
        );
    }

    #[test]
    fn scaling_is_clamped_to_the_range() {
        let mut w = world_with(|s| {
            s.policies = vec![Policy {
                week: 0,
                target: Target::All,
                changes: vec![Change::Scale {
                    param: "corruption".into(),
                    factor: 10.0,
                }],
                ramp_weeks: 0,
            }]
        });
        let mut clock = Clock { next: 0 };
        clock.to(&mut w, 0);
        assert!(
            w.countries
                .iter()
                .all(|c| c.params.numbers.corruption == 1.0)
        );
    }

    #[test]
    fn bloc_and_pair_cooperation_policies_re_resolve_the_matrix() {
        let (a, b, c) = (CountryId::new(0), CountryId::new(1), CountryId::new(2));
        let mut w = world_with(|s| {
            s.cooperation.blocs.push(Bloc {
                name: "North".into(),
                members: vec![b, c],
                cooperation: None,
            });
            s.policies = vec![
                Policy {
                    week: 1,
                    target: Target::Bloc(0),
                    changes: vec![Change::Set {
                        param: "cooperation".into(),
                        value: Value::Number(0.9),
                    }],
                    ramp_weeks: 0,
                },
                Policy {
                    week: 2,
                    target: Target::Pair(a, c),
                    changes: vec![Change::Set {
                        param: "cooperation".into(),
                        value: Value::Number(0.2),
                    }],
                    ramp_weeks: 0,
                },
            ];
        });
        let mut clock = Clock { next: 0 };
        clock.to(&mut w, 0);
        assert_eq!(w.cooperation.level(b, c), 0.5);
        clock.to(&mut w, 1);
        assert_eq!(w.cooperation.level(b, c), 0.9);
        assert_eq!(w.cooperation.level(a, c), 0.5);
        clock.to(&mut w, 2);
        assert_eq!(w.cooperation.level(a, c), 0.2);
        assert_eq!(w.cooperation.level(c, a), 0.2);
    }

    #[test]
    fn a_shock_raises_vulnerability_for_its_weeks_only() {
        let mut w = world_with(|s| {
            s.shocks = vec![Shock {
                country: CountryId::new(0),
                week: 5,
                weeks: 3,
                vulnerability: 1.5,
            }]
        });
        let mut clock = Clock { next: 0 };
        let mut shock = |w: &mut World, week| {
            clock.to(w, week);
            w.countries[0].shock
        };
        assert_eq!(shock(&mut w, 4), 1.0);
        assert_eq!(shock(&mut w, 5), 1.5);
        assert_eq!(shock(&mut w, 7), 1.5);
        assert_eq!(shock(&mut w, 8), 1.0);
        assert_eq!(w.countries[1].shock, 1.0);
    }
}
