//! Enforcement agencies and what passes through them (MODEL.md §1, "Enforcement agency"):
//! leads, investigations, the case against a suspect, this week's identifications and
//! arrests. State only: steps 5 to 9 fill and empty them.

use crate::ids::{CountryId, TraffickerId};
use crate::params::Offence;

/// The case against a trafficker who is arrested or on trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Case {
    /// Where the trial runs (the arresting country, or the requesting one after extradition).
    pub country: CountryId,
    pub form: Offence,
    /// Strength of evidence in [0, 1]: testimony is the strongest.
    pub evidence: f64,
    /// The case needed another country: mutual legal assistance, an extradition, shared
    /// intelligence or a joint investigation (its conviction is a cross-border conviction).
    pub cross_border: bool,
}

/// How a lead or an investigation reached an agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSource {
    /// The agency's own work: a border detection, police work, a testimony.
    Domestic,
    /// Intelligence a partner shared after an arrest (MODEL.md §2 step 9).
    Shared,
    /// A joint investigation with a partner (step 9).
    Joint,
}

/// A lead an agency holds against a trafficker (MODEL.md §2 step 7).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lead {
    pub target: TraffickerId,
    pub form: Offence,
    pub evidence: f64,
    /// The week the lead arrived: it expires `lead_expiry_weeks` later.
    pub created: u32,
    /// `Domestic` or `Shared`.
    pub source: CaseSource,
}

/// A running investigation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Investigation {
    pub target: TraffickerId,
    pub form: Offence,
    pub evidence: f64,
    pub ends: u32,
    /// A joint investigation runs outside the agency's capacity (MODEL.md §2 step 9).
    pub joint: bool,
    /// The suspect was abroad when it opened, or the case came from a partner.
    pub cross_border: bool,
}

/// One enforcement agency per country (MODEL.md §1): finite capacity, a queue of leads,
/// running investigations. Its corruption is the country's.
#[derive(Clone, Debug, Default)]
pub struct Agency {
    pub leads: Vec<Lead>,
    pub investigations: Vec<Investigation>,
}

/// How an exploited or transiting person came to be identified (MODEL.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Border,
    Inspection,
    Police,
    Ngo,
    SelfReport,
    /// A victim who escaped on their own and came forward (step 5, `coming_forward`).
    SelfExit,
}

/// A person identified this week, waiting for the victim-support step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identification {
    pub person: u32,
    pub country: CountryId,
    pub channel: Channel,
}

/// An arrest made this week, for the intelligence-sharing step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrest {
    pub agency: CountryId,
    pub trafficker: TraffickerId,
    pub form: Offence,
}
