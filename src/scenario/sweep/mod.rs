//! The `[sweep]` section of a scenario file: which parameters a sweep varies, over which
//! values, by which design. `docs/SWEEPS.md` documents the format.
//!
//! A run does not run the section but checks it (`palermo run` and `compare` call
//! [`parse_sweep`] on every scenario); `palermo check` and `palermo sweep` read it here, from
//! the scenario's verbatim text, with the same located errors as the rest of the file (the
//! `Checker` of `validate/located.rs`). Every swept path is resolved with the one path
//! language of `--set` ([`overrides::resolve`](crate::scenario::overrides::resolve)), so a
//! sweep can vary exactly what `--set` can change, and a value is checked against the
//! parameter's [`Domain`](crate::params::Domain) before anything runs. A file with other errors has
//! its section read beside them (`sweep_error_beside`, called by the file's check), against
//! what the check accepted. Generating the points
//! from this specification is `crate::sweep::design`'s job.
//!
//! `spec.rs` holds the validated section ([`SweepSpec`] and its parts), `section.rs` reads the
//! section's keys, its design and its parameters or points, `reader.rs` one swept path: its
//! target and its values.

mod reader;
mod section;
mod spec;
#[cfg(test)]
mod tests;

pub use section::parse_sweep;
pub(crate) use section::sweep_error_beside;
pub use spec::{
    DEFAULT_LEVELS, DESIGN_NAMES, Design, SweepSpec, SweptParameter, Values, value_text,
};
