//! Step 11, re-trafficking (MODEL.md §2): persons come home (supported victims at the end of
//! their support, safe migrants with weekly probability `safe_return_rate`, drawn once as a
//! geometric waiting time in the return calendar). A person returned from trafficking carries
//! a raised risk, concentrated in the first two years, which steps 2 and 3 read through
//! [`risk`](super::risk). Deportees and those who escaped return unsupported (steps 5 and 6).

use rand::Rng;

use crate::world::{PersonState, Roster, Scheduling, Wheel, World};

/// Person `p` comes home this week (`returned`: from trafficking, this week, supported or
/// not), and waits to leave again from next week on.
pub fn come_home(world: &mut World, p: usize, returned: Option<(u32, bool)>) {
    world.persons.send_home(p, returned);
    super::migration::await_departure(world, p, world.week + 1);
}

/// A new safe migrant waits to return, from `first_week` on (the same week included, as the
/// weekly reference asks every safe migrant in step 11).
pub fn await_return(world: &mut World, p: usize, first_week: u32) {
    if world.scheduling == Scheduling::Weekly {
        return;
    }
    if let Some(k) = world.safe_return_wait.draw(&mut world.rngs.retrafficking) {
        let due = first_week.saturating_add(k);
        world.persons.set_due(p, due);
        world.return_calendar.push(due, p as u32);
    }
}

pub fn returns_and_retrafficking(world: &mut World) {
    let week = world.week;
    let supported = world.roster_snapshot(Roster::InSupport);
    for &p in &supported {
        if world.persons.trip[p as usize].until <= week {
            come_home(world, p as usize, Some((week, true)));
        }
    }
    world.return_scratch(supported);
    match world.scheduling {
        Scheduling::Weekly => {
            let abroad = world.roster_snapshot(Roster::SafeMigrant);
            for &p in &abroad {
                if world.rngs.retrafficking.random::<f64>() < world.model.safe_return_rate {
                    come_home(world, p as usize, None);
                }
            }
            world.return_scratch(abroad);
        }
        Scheduling::Calendar => {
            world.wake_due(Wheel::Return, PersonState::SafeMigrant, week, |world, p| {
                come_home(world, p, None);
            });
        }
    }
}
