//! The one source of truth for every parameter: its path, default, range, unit and meaning.
//!
//! Validation of scenario files, `--set` paths, policy targets, `palermo params` and the
//! parameter tables of `docs/ODD.md` are all generated from the tables below. A new
//! parameter is one new line in one `params!` block.
//!
//! Country parameters (MODEL.md §1) live in [`CountryParams`]; they may be given in
//! `[defaults]`, overridden per `[[country]]`, and changed by the policy timeline.
//! Model constants (functional-form coefficients, MODEL.md §2) live in [`ModelParams`] and
//! are given in the optional `[model]` section. Run settings and cooperation levels have
//! their own entries so that `palermo params` lists every path a user can address.

pub use crate::offence::{Offence, OffenceSet};

/// Where a parameter lives, which decides the path prefix a user writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `run.*`: horizon, seed, replicates.
    Run,
    /// `model.*`: coefficients of the functional forms, one value for the whole world.
    Model,
    /// A country parameter: `all.X`, `country.NAME.X`, `bloc.NAME.X` or `[defaults]`.
    Country,
    /// A cooperation level: `cooperation.default`, `bloc.NAME.cooperation`,
    /// `pair.A.B.cooperation`.
    Cooperation,
}

/// The values a parameter may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    /// A real number in `[min, max]`.
    Real { min: f64, max: f64 },
    /// A whole number in `[min, max]`.
    Count { min: f64, max: f64 },
    /// A set of offence forms (see [`Offence`]).
    Offences,
}

impl Domain {
    /// Checks a number against the domain; on failure returns what is allowed.
    pub fn check(&self, value: f64) -> Result<(), String> {
        match *self {
            Domain::Real { min, max } => {
                if value.is_finite() && value >= min && value <= max {
                    Ok(())
                } else {
                    Err(format!("is outside [{}, {}]", fmt_num(min), fmt_num(max)))
                }
            }
            Domain::Count { min, max } => {
                if !(value.is_finite() && value.fract() == 0.0) {
                    Err(format!(
                        "must be a whole number in [{}, {}]",
                        fmt_num(min),
                        fmt_num(max)
                    ))
                } else if value < min || value > max {
                    Err(format!("is outside [{}, {}]", fmt_num(min), fmt_num(max)))
                } else {
                    Ok(())
                }
            }
            Domain::Offences => Err(format!(
                "must be a list of offence forms ({})",
                Offence::ALL_NAMES
            )),
        }
    }

    /// The range as text, for `palermo params` and the ODD tables.
    pub fn describe(&self) -> String {
        match *self {
            Domain::Real { min, max } => format!("[{}, {}]", fmt_num(min), fmt_num(max)),
            Domain::Count { min, max } => format!("{{{}, …, {}}}", fmt_num(min), fmt_num(max)),
            Domain::Offences => format!("subset of {{{}}}", Offence::ALL_NAMES),
        }
    }
}

/// Formats a number without a trailing `.0` where it is whole.
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// One parameter: everything validation, `palermo params` and the docs need.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The path relative to its scope: `corruption`, `enforcement.resources`, `weeks`.
    pub name: &'static str,
    pub scope: Scope,
    pub domain: Domain,
    /// The default value; for `law.offences` see [`OffenceSet::palermo`].
    pub default: f64,
    pub unit: &'static str,
    /// One line: what the parameter means and where it comes from.
    pub doc: &'static str,
}

impl ParamSpec {
    /// The path as a user writes it with `--set`, with `NAME` standing for a country or bloc.
    pub fn full_path(&self) -> String {
        match self.scope {
            Scope::Run => format!("run.{}", self.name),
            Scope::Model => format!("model.{}", self.name),
            Scope::Country => format!("all.{}", self.name),
            Scope::Cooperation => self.name.to_string(),
        }
    }

    /// The default as text.
    pub fn default_text(&self) -> String {
        match self.domain {
            Domain::Offences => format!("[{}]", OffenceSet::palermo().names().join(", ")),
            _ => fmt_num(self.default),
        }
    }
}

/// Declares a parameter struct and its `ParamSpec` table from one list, so that the field,
/// its path, default, range, unit and doc can never drift apart.
macro_rules! params {
    (
        $(#[$meta:meta])*
        struct $name:ident; table $table:ident; scope $scope:expr;
        $( $field:ident : $path:literal, $domain:expr, $default:expr, $unit:literal, $doc:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $( #[doc = $doc] pub $field: f64, )*
        }

        /// The parameter table of this struct, in declaration order.
        pub const $table: &[ParamSpec] = &[
            $( ParamSpec { name: $path, scope: $scope, domain: $domain, default: $default as f64, unit: $unit, doc: $doc }, )*
        ];

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default as f64, )* }
            }
        }

        impl $name {
            /// Reads a parameter by its path (relative to the scope).
            pub fn get(&self, path: &str) -> Option<f64> {
                match path { $( $path => Some(self.$field), )* _ => None }
            }
            /// Mutable access to a parameter by its path (relative to the scope).
            pub fn get_mut(&mut self, path: &str) -> Option<&mut f64> {
                match path { $( $path => Some(&mut self.$field), )* _ => None }
            }
        }
    };
}

const UNIT: Domain = Domain::Real { min: 0.0, max: 1.0 };

params! {
    /// The numeric parameters of one country (MODEL.md §1, "Country"). The offence set lives
    /// beside them in [`Country`](crate::world::Country) as an [`OffenceSet`].
    struct CountryNumbers; table COUNTRY_NUMBERS; scope Scope::Country;
    at_risk: "at_risk", Domain::Count { min: 0.0, max: 100_000_000.0 }, 10_000, "persons",
        "persons of the at-risk population simulated as individual agents";
    poverty: "poverty", UNIT, 0.5, "share",
        "push factor (poverty, low education, instability): centre of persons' vulnerability";
    wage: "wage", UNIT, 0.5, "index",
        "pull factor: attractiveness as a destination; the wage gap drives migration pressure";
    penalty: "law.penalty", UNIT, 0.5, "index",
        "severity and certainty of sentences: sentence length and deterrence of recruiters";
    resources: "enforcement.resources", UNIT, 0.5, "index",
        "investigative capacity: investigations the agency runs at once (times model.investigations_per_100k)";
    training: "enforcement.training", UNIT, 0.5, "index",
        "effectiveness of investigations and detection skill";
    border_control: "enforcement.border_control", UNIT, 0.003, "probability",
        "chance a trafficked person crossing into the country is detected, before training and corruption";
    labour_inspection: "enforcement.labour_inspection", UNIT, 0.3, "index",
        "intensity of labour inspection, which finds exploitation in labour forms";
    corruption: "corruption", UNIT, 0.3, "share",
        "share of enforcement actions a bribe can neutralize; suppresses state identification channels";
    victim_support: "victim_support", UNIT, 0.4, "probability",
        "chance an identified victim is supported (shelter, legal aid); drives testimony, lowers re-trafficking";
    awareness: "awareness", UNIT, 0.3, "index",
        "public awareness: lowers acceptance of deceptive offers, raises self-report";
    ngo: "ngo", UNIT, 0.3, "index",
        "NGO presence: victim identification and referral";
    legal_migration: "legal_migration", UNIT, 0.03, "probability per week",
        "chance per week that a seeking person finds a legitimate migration channel";
    network_density: "network_density", Domain::Real { min: 0.0, max: 100.0 }, 0.0, "networks per 10,000 at-risk",
        "trafficking networks based in (recruiting from) this country, per 10,000 at-risk persons";
}

/// A country's parameters: the numbers and the set of criminalized offence forms.
#[derive(Clone, Debug, PartialEq)]
pub struct CountryParams {
    pub numbers: CountryNumbers,
    /// `law.offences`: which forms of trafficking are criminalized here.
    pub offences: OffenceSet,
}

impl Default for CountryParams {
    fn default() -> Self {
        Self {
            numbers: CountryNumbers::default(),
            offences: OffenceSet::palermo(),
        }
    }
}

/// The path of the offence set inside a country's parameters.
pub const OFFENCES_PATH: &str = "law.offences";

/// The spec of `law.offences`, listed with the numeric country parameters.
pub const OFFENCES_SPEC: ParamSpec = ParamSpec {
    name: OFFENCES_PATH,
    scope: Scope::Country,
    domain: Domain::Offences,
    default: f64::NAN,
    unit: "set",
    doc: "forms of trafficking criminalized here; an empty set (no anti-trafficking law) is valid",
};

params! {
    /// Coefficients of the functional forms (MODEL.md §2), one value for the whole world.
    /// Each is documented with its equation in `docs/ODD.md`.
    struct ModelParams; table MODEL_PARAMS; scope Scope::Model;
    seek_rate: "seek_rate", UNIT, 0.01, "probability per week",
        "weekly hazard of starting to seek work abroad at vulnerability 1 and wage gap 1";
    seek_giveup: "seek_giveup", UNIT, 0.1, "probability per week",
        "weekly chance a seeker who found nothing gives up and stays home";
    contact_rate: "contact_rate", Domain::Real { min: 0.0, max: 100.0 }, 0.5, "contacts per recruiter-effort per 1,000 at-risk per week",
        "how often recruiters reach seekers: deceptive offers per seeker grow with recruiter presence";
    accept_max: "accept_max", UNIT, 0.5, "probability",
        "chance a deceptive offer is accepted by a fully vulnerable, unaware person";
    awareness_effect: "awareness_effect", UNIT, 0.7, "share",
        "how much full awareness lowers the acceptance of a deceptive offer";
    deterrence: "deterrence", Domain::Real { min: 0.0, max: 20.0 }, 1.0, "per unit risk",
        "recruiter effort falls as exp(-deterrence x expected risk) of the network's route";
    transit_weeks: "transit_weeks", Domain::Count { min: 1.0, max: 52.0 }, 2, "weeks",
        "weeks spent on each leg of a route (origin to transit, transit to destination)";
    safe_return_rate: "safe_return_rate", UNIT, 0.0064, "probability per week",
        "weekly chance a safe migrant returns home (about three years abroad on average)";
    revenue_sexual: "revenue_sexual", Domain::Real { min: 0.0, max: 1e6 }, 27_000, "US$ per victim-year",
        "network revenue from one victim of sexual exploitation at a destination of wage 0.5, in proportion to wage (ILO 2024)";
    revenue_other: "revenue_other", Domain::Real { min: 0.0, max: 1e6 }, 3_700, "US$ per victim-year",
        "network revenue from one victim of any other form, as revenue_sexual (ILO 2024)";
    share_sexual: "form_share.sexual", UNIT, 0.25, "weight",
        "weight of sexual exploitation among the forms a recruited person is destined for (ILO 2021)";
    share_labour: "form_share.labour", UNIT, 0.42, "weight",
        "weight of forced labour";
    share_child: "form_share.child", UNIT, 0.10, "weight",
        "weight of child trafficking";
    share_debt_bondage: "form_share.debt_bondage", UNIT, 0.10, "weight",
        "weight of debt bondage";
    share_domestic_servitude: "form_share.domestic_servitude", UNIT, 0.08, "weight",
        "weight of domestic servitude";
    share_forced_criminality: "form_share.forced_criminality", UNIT, 0.04, "weight",
        "weight of forced criminality";
    share_organ_removal: "form_share.organ_removal", UNIT, 0.01, "weight",
        "weight of organ removal";
    escape_rate: "escape_rate", UNIT, 0.008, "probability per week",
        "weekly chance an exploited person leaves on their own";
    police_rate: "police_rate", UNIT, 0.00012, "probability per week",
        "weekly chance police work finds an exploited person, at resources = training = 1 and no corruption";
    police_focus_other: "police_focus_other", UNIT, 0.5, "share",
        "police attention to forms other than sexual exploitation, relative to it";
    inspection_rate: "inspection_rate", UNIT, 0.00004, "probability per week",
        "weekly chance labour inspection finds a person in a labour form, at labour_inspection = training = 1";
    ngo_rate: "ngo_rate", UNIT, 0.00002, "probability per week",
        "weekly chance an NGO identifies an exploited person, at ngo = 1";
    self_report_rate: "self_report_rate", UNIT, 0.00003, "probability per week",
        "weekly chance an exploited person self-reports, at awareness = victim_support = 1";
    come_forward: "come_forward", UNIT, 0.009, "probability",
        "chance a victim who escapes comes forward to the destination's authorities, at awareness = ngo = 1 and certain protection (support, not deportation)";
    rescue_share: "rescue_share", UNIT, 0.007, "share",
        "share of an arrested exploiter's victims that police find and free";
    support_weeks: "support_weeks", Domain::Count { min: 1.0, max: 520.0 }, 12, "weeks",
        "weeks a supported victim stays in support before returning home";
    ngo_referral: "ngo_referral", UNIT, 0.3, "probability",
        "chance that NGOs at ngo = 1 refer an identified victim the state does not support to their own shelter and legal aid";
    testimony_supported: "testimony_supported", UNIT, 0.6, "probability",
        "chance a supported victim testifies";
    testimony_unsupported: "testimony_unsupported", UNIT, 0.05, "probability",
        "chance an unsupported victim testifies before deportation";
    investigations_per_100k: "investigations_per_100k", Domain::Real { min: 0.0, max: 10_000.0 }, 4, "investigations per 100,000 world at-risk",
        "investigations an agency with resources = 1 runs at once, per 100,000 at-risk persons in the world";
    lead_expiry_weeks: "lead_expiry_weeks", Domain::Count { min: 1.0, max: 520.0 }, 8, "weeks",
        "weeks a lead waits for investigative capacity before it expires";
    investigation_weeks: "investigation_weeks", Domain::Count { min: 1.0, max: 520.0 }, 8, "weeks",
        "duration of an investigation";
    investigation_success: "investigation_success", UNIT, 0.8, "probability",
        "chance an investigation with full training and evidence ends in arrest";
    police_lead_rate: "police_lead_rate", UNIT, 0.003, "probability per week",
        "weekly chance proactive police work yields a lead on an active trafficker, at resources = training = 1";
    evidence_testimony: "evidence.testimony", UNIT, 1.0, "evidence",
        "strength of evidence of a lead from a victim's testimony (the strongest)";
    evidence_joint: "evidence.joint", UNIT, 0.8, "evidence",
        "strength of evidence of a joint investigation, which pools both countries' files";
    evidence_border: "evidence.border", UNIT, 0.6, "evidence",
        "strength of evidence of a lead from a border detection (a victim found with the transporter)";
    evidence_intelligence: "evidence.intelligence", UNIT, 0.5, "evidence",
        "strength of evidence of a lead from intelligence a partner shared";
    evidence_police: "evidence.police", UNIT, 0.3, "evidence",
        "strength of evidence of a lead from proactive police work (a suspicion, not a witness)";
    labour_evidence: "labour_evidence", UNIT, 0.6, "share",
        "strength of evidence in labour-form cases relative to others (coercion and debt are harder to prove than sexual exploitation)";
    flee_prob: "flee_prob", UNIT, 0.15, "probability",
        "chance a suspect flees abroad when an investigation opens";
    fled_weeks: "fled_weeks", Domain::Count { min: 1.0, max: 520.0 }, 26, "weeks",
        "weeks a fled suspect who is not extradited stays away before resuming activity";
    trial_weeks: "trial_weeks", Domain::Count { min: 1.0, max: 520.0 }, 26, "weeks",
        "duration of a prosecution";
    conviction_base: "conviction_base", UNIT, 0.8, "probability",
        "chance of conviction with full legal coverage, full evidence and no judicial corruption";
    uncovered_conviction: "uncovered_conviction", UNIT, 0.25, "share",
        "conviction chance multiplier when the form is not criminalized (other charges only)";
    judicial_corruption: "judicial_corruption", UNIT, 0.5, "share",
        "how much of a country's corruption reaches its courts: a trial is bought off with probability corruption x this";
    max_sentence_weeks: "max_sentence_weeks", Domain::Count { min: 1.0, max: 2600.0 }, 520, "weeks",
        "sentence at penalty = 1; the sentence is penalty x this";
    bribe_cost: "bribe_cost", Domain::Real { min: 0.0, max: 1e7 }, 5_000, "US$",
        "price of neutralizing one enforcement action";
    bribe_share: "bribe_share", UNIT, 0.1, "share",
        "share of network revenue put into the bribe budget";
    joint_threshold: "joint_threshold", UNIT, 0.7, "cooperation level",
        "cooperation at or above which partners run a joint investigation on shared intelligence";
    cooperation_spillover: "cooperation_spillover", UNIT, 1.0, "share",
        "share of a cooperating partner's enforcement risk that networks perceive in a country";
    perception_weeks: "perception_weeks", Domain::Real { min: 1.0, max: 520.0 }, 52, "weeks",
        "how slowly networks learn a change in a country's enforcement (time constant of an exponential average)";
    route_review_weeks: "route_review_weeks", Domain::Count { min: 1.0, max: 520.0 }, 13, "weeks",
        "how often a network re-chooses its route";
    route_temperature: "route_temperature", Domain::Real { min: 0.001, max: 10.0 }, 0.1, "value units",
        "noise of route choice (logit temperature): lower means networks all take the best route";
    risk_weight: "risk_weight", Domain::Real { min: 0.0, max: 100.0 }, 0.5, "value per unit risk",
        "weight of perceived risk against profit when networks choose routes";
    leg_cost: "leg_cost", Domain::Real { min: 0.0, max: 10.0 }, 0.05, "value units",
        "cost of each extra border crossing on a route";
    risk_memory: "risk_memory", UNIT, 0.9, "share per week",
        "weekly persistence of a network's observed losses in a country (exponential memory)";
    replace_rate: "replace_rate", UNIT, 0.05, "probability per week",
        "weekly chance a network fills one vacancy, at reference revenue";
    network_size: "network_size", Domain::Count { min: 1.0, max: 100.0 }, 3, "traffickers per role",
        "traffickers per role and country in a network at full strength";
    retraffic_boost: "retraffic_boost", Domain::Real { min: 0.0, max: 10.0 }, 0.5, "share",
        "relative rise of a returnee's risk, fading to zero over retraffic_weeks";
    retraffic_weeks: "retraffic_weeks", Domain::Count { min: 1.0, max: 1040.0 }, 104, "weeks",
        "weeks over which a returnee's extra risk fades to zero (MODEL.md: concentrated in the first two years); also the window of re_trafficked_identified";
    support_protection: "support_protection", UNIT, 0.75, "share",
        "share of the re-trafficking boost that support removes";
    vulnerability_spread: "vulnerability_spread", Domain::Real { min: 1.0, max: 1000.0 }, 8.0, "concentration",
        "concentration of the Beta distribution of vulnerability around the country's poverty";
}

params! {
    /// Run settings (`[run]`).
    struct RunNumbers; table RUN_PARAMS; scope Scope::Run;
    weeks: "weeks", Domain::Count { min: 1.0, max: 100_000.0 }, 520, "weeks",
        "horizon of each run";
    seed: "seed", Domain::Count { min: 0.0, max: 9_007_199_254_740_991.0 }, 42, "integer",
        "base seed; replicate r of a scenario draws from streams derived from (seed, r)";
    replicates: "replicates", Domain::Count { min: 1.0, max: 1_000_000.0 }, 1, "runs",
        "independent runs of the scenario";
    burn_in: "burn_in", Domain::Count { min: 0.0, max: 100_000.0 }, 0, "weeks",
        "weeks simulated before week 0 and not recorded, so that prevalence starts near its steady state; policies and shocks count weeks from week 0";
}

/// The cooperation levels (MODEL.md §1, "Cooperation between countries").
pub const COOPERATION_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "cooperation.default",
        scope: Scope::Cooperation,
        domain: UNIT,
        default: 0.1,
        unit: "level",
        doc: "cooperation between any two countries not covered by a bloc or pair",
    },
    ParamSpec {
        name: "bloc.NAME.cooperation",
        scope: Scope::Cooperation,
        domain: UNIT,
        default: 0.5,
        unit: "level",
        doc: "cooperation between any two members of the bloc",
    },
    ParamSpec {
        name: "pair.A.B.cooperation",
        scope: Scope::Cooperation,
        domain: UNIT,
        default: 0.5,
        unit: "level",
        doc: "cooperation between A and B, both ways; with directed = true only for A's requests to B",
    },
];

/// Knobs on every cooperation level at once (`--set` and sweeps only, never in a file's
/// `[cooperation]`): they change the default, each bloc's level and each pair's level together,
/// where `cooperation.default` alone leaves blocs and pairs as written.
pub const COOPERATION_KNOBS: &[ParamSpec] = &[
    ParamSpec {
        name: "cooperation.all",
        scope: Scope::Cooperation,
        domain: UNIT,
        default: 0.1,
        unit: "level",
        doc: "sets every cooperation level (the default, every bloc's, every pair's) to this value; the default shown is cooperation.default's (--set and sweeps only)",
    },
    ParamSpec {
        name: "cooperation.scale",
        scope: Scope::Cooperation,
        domain: Domain::Real {
            min: 0.0,
            max: 10.0,
        },
        default: 1.0,
        unit: "factor",
        doc: "multiplies every cooperation level (the default, every bloc's, every pair's), each clamped to [0, 1]; 1 changes nothing (--set and sweeps only)",
    },
];

/// Finds a country parameter by path (`corruption`, `law.offences`, ...).
pub fn country_spec(path: &str) -> Option<&'static ParamSpec> {
    if path == OFFENCES_PATH {
        return Some(&OFFENCES_SPEC);
    }
    COUNTRY_NUMBERS.iter().find(|s| s.name == path)
}

/// Finds a model parameter by path relative to `model.`.
pub fn model_spec(path: &str) -> Option<&'static ParamSpec> {
    MODEL_PARAMS.iter().find(|s| s.name == path)
}

/// Finds a run setting by path relative to `run.`.
pub fn run_spec(path: &str) -> Option<&'static ParamSpec> {
    RUN_PARAMS.iter().find(|s| s.name == path)
}

/// Finds a cooperation level or knob by its full path (`cooperation.default`,
/// `bloc.NAME.cooperation`, `pair.A.B.cooperation`, `cooperation.scale`).
pub fn cooperation_spec(path: &str) -> Option<&'static ParamSpec> {
    COOPERATION_PARAMS
        .iter()
        .chain(COOPERATION_KNOBS)
        .find(|s| s.name == path)
}

/// Country parameters that shape the world when it is built (its population, the persons'
/// vulnerability drawn around `poverty`, its networks): a policy cannot change them during a
/// run (it would silently do nothing); `--set` and sweeps can.
pub const BUILD_ONLY: &[&str] = &["at_risk", "network_density", "poverty"];

/// Every country parameter path, for "did you mean" suggestions.
pub fn country_paths() -> impl Iterator<Item = &'static str> {
    COUNTRY_NUMBERS
        .iter()
        .map(|s| s.name)
        .chain(std::iter::once(OFFENCES_PATH))
}

/// Every parameter, in the order `palermo params` prints them.
pub fn all_specs() -> Vec<&'static ParamSpec> {
    RUN_PARAMS
        .iter()
        .chain(COOPERATION_PARAMS)
        .chain(COOPERATION_KNOBS)
        .chain(COUNTRY_NUMBERS)
        .chain(std::iter::once(&OFFENCES_SPEC))
        .chain(MODEL_PARAMS)
        .collect()
}

/// The candidate closest to `name`, when it is close enough to be a likely typo, or `None`.
/// In order of preference:
///
/// 1. a dotted candidate whose last part is `name` (`border_control` for
///    `enforcement.border_control`);
/// 2. the fewest edits (insertions, deletions, substitutions, swaps of neighbours) to a
///    candidate, or to the last part of a dotted one (`trainig` for `enforcement.training`):
///    at most a third of the longer name's characters, at least one, and fewer than `name`
///    has (so `x` is no typo of `a`);
/// 3. a shortened, lengthened or garbled spelling that keeps the beginning (`corupt` for
///    `corruption`): a Jaro-Winkler similarity of at least 0.85, both names at least three
///    characters long.
///
/// A candidate equal to `name` is no suggestion. Ties go to the first candidate, so callers
/// list candidates in their natural order.
pub fn closest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Names a user types are short; a very long one is not a typo of any parameter, and
    // skipping it keeps the quadratic distances cheap on hostile input.
    const LONGEST: usize = 200;
    const SIMILAR: f64 = 0.85;
    let len = name.chars().take(LONGEST + 1).count();
    if len == 0 || len > LONGEST {
        return None;
    }
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != name).collect();
    let last_part = |c: &'a str| c.rsplit('.').next().unwrap_or(c);
    if let Some(full) = candidates
        .iter()
        .find(|c| c.contains('.') && last_part(c) == name)
    {
        return Some(full);
    }
    let mut fewest: Option<(usize, &'a str)> = None;
    for &cand in &candidates {
        let parts = if cand.contains('.') {
            vec![cand, last_part(cand)]
        } else {
            vec![cand]
        };
        for part in parts {
            let limit = (len.max(part.chars().count()) / 3).max(1);
            let d = strsim::osa_distance(name, part);
            if d <= limit && d < len && fewest.is_none_or(|(bd, _)| d < bd) {
                fewest = Some((d, cand));
            }
        }
    }
    if let Some((_, cand)) = fewest {
        return Some(cand);
    }
    let mut most_similar: Option<(f64, &'a str)> = None;
    for &cand in &candidates {
        if len < 3 || cand.chars().count() < 3 {
            continue;
        }
        let similarity = strsim::jaro_winkler(name, cand);
        if similarity >= SIMILAR && most_similar.is_none_or(|(bs, _)| similarity > bs) {
            most_similar = Some((similarity, cand));
        }
    }
    most_similar.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_inside_its_range() {
        for spec in all_specs() {
            if spec.domain != Domain::Offences {
                assert!(spec.domain.check(spec.default).is_ok(), "{}", spec.name);
            }
        }
    }

    #[test]
    fn paths_are_unique_within_a_scope() {
        let specs = all_specs();
        for (i, a) in specs.iter().enumerate() {
            for b in &specs[i + 1..] {
                assert!(!(a.scope == b.scope && a.name == b.name), "{}", a.name);
            }
        }
    }

    #[test]
    fn get_and_get_mut_agree_with_the_table() {
        let mut c = CountryNumbers::default();
        for spec in COUNTRY_NUMBERS {
            assert_eq!(c.get(spec.name), Some(spec.default));
            *c.get_mut(spec.name).unwrap() = 0.25;
            assert_eq!(c.get(spec.name), Some(0.25));
        }
        assert_eq!(c.get("nonsense"), None);
    }

    #[test]
    fn domain_checks_ranges_and_whole_numbers() {
        assert!(UNIT.check(1.4).is_err());
        assert!(UNIT.check(f64::NAN).is_err());
        let count = Domain::Count {
            min: 1.0,
            max: 10.0,
        };
        assert!(count.check(2.5).is_err());
        assert!(count.check(0.0).is_err());
        assert!(count.check(10.0).is_ok());
    }

    #[test]
    fn closest_name_finds_typos_only() {
        let names = ["corruption", "poverty", "ngo"];
        assert_eq!(closest_name("corruptoin", names), Some("corruption"));
        assert_eq!(closest_name("povrty", names), Some("poverty"));
        assert_eq!(closest_name("nga", names), Some("ngo"));
        assert_eq!(closest_name("wages", names), None);
        let grouped = ["enforcement.border_control", "corruption"];
        assert_eq!(
            closest_name("border_control", grouped),
            Some("enforcement.border_control")
        );
        assert_eq!(closest_name("", names), None);
        assert_eq!(closest_name(&"x".repeat(10_000), names), None);
        // Shortened spellings, swapped letters, the last part of a dotted name.
        assert_eq!(closest_name("corupt", names), Some("corruption"));
        assert_eq!(closest_name("corrpution", names), Some("corruption"));
        let grouped = ["enforcement.training", "enforcement", "law"];
        assert_eq!(
            closest_name("trainig", grouped),
            Some("enforcement.training")
        );
        assert_eq!(closest_name("enforcment", grouped), Some("enforcement"));
        // Never itself, never a one-letter name for another, nothing for an unrelated word.
        assert_eq!(closest_name("law", grouped), None);
        assert_eq!(closest_name("x", ["a", "b"]), None);
        assert_eq!(closest_name("abc", ["a", "b"]), None);
        for unrelated in ["horizon", "budget", "foo", "data", "iterations", "labour"] {
            let all: Vec<&str> = country_paths().chain(["name", "borders"]).collect();
            assert_eq!(closest_name(unrelated, all), None, "{unrelated}");
        }
    }
}
