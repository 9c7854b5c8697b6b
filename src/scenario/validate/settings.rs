//! The settings of the whole file: its `schema` version, `[run]` (the horizon, seed,
//! replicates and burn-in) and `[model]` (the model constants), each key checked against the
//! parameter table's run settings and model constants.

use super::located::{Checker, Leaf};
use crate::params::{MODEL_PARAMS, ModelParams, RUN_PARAMS, RunNumbers, model_spec, run_spec};
use crate::scenario::checks::run_settings;
use crate::scenario::error::ScenarioError;
use crate::scenario::file::{RawKind, RawTable};
use crate::scenario::{RunSettings, SCHEMA_VERSION};

impl Checker<'_> {
    pub(super) fn schema(&self, leaf: Option<&Leaf<'_>>) -> Result<(), ScenarioError> {
        let Some(leaf) = leaf else {
            return Err(ScenarioError::in_file(
                self.file,
                format!(
                    "missing `schema = {SCHEMA_VERSION}` (the version of the scenario format) at the top of the file"
                ),
            ));
        };
        let is_supported = matches!(leaf.value.kind, RawKind::Integer { .. })
            && leaf.value.as_number() == Some(SCHEMA_VERSION as f64);
        if is_supported {
            Ok(())
        } else {
            Err(self.err(
                leaf.pos,
                &leaf.path,
                format!(
                    "schema = {} is not supported: this build reads schema = {SCHEMA_VERSION}",
                    leaf.value.text
                ),
            ))
        }
    }

    /// The run settings, `None` if any key was refused (noted).
    pub(super) fn run(&self, table: &RawTable) -> Option<RunSettings> {
        let known: Vec<&str> = RUN_PARAMS.iter().map(|s| s.name).collect();
        let mut numbers = RunNumbers::default();
        let (leaves, mut clean) = self.read_leaves(table, &known, "in [run]");
        for leaf in leaves {
            // `read_leaves` only returns known keys, so the lookups below always succeed.
            let Some(spec) = run_spec(&leaf.path) else {
                continue;
            };
            let Some(v) = self.keep(self.number(&leaf, spec.domain)) else {
                clean = false;
                continue;
            };
            if let Some(slot) = numbers.get_mut(&leaf.path) {
                *slot = v;
            }
        }
        if !clean {
            return None;
        }
        let run = run_settings(&numbers);
        if run.is_none() {
            self.note(ScenarioError::in_file(
                self.file,
                "the run settings do not fit",
            ));
        }
        run
    }

    pub(super) fn model(&self, table: &RawTable, model: &mut ModelParams) {
        let known: Vec<&str> = MODEL_PARAMS.iter().map(|s| s.name).collect();
        for leaf in self.read_leaves(table, &known, "in [model]").0 {
            let Some(spec) = model_spec(&leaf.path) else {
                continue;
            };
            let Some(v) = self.keep(self.number(&leaf, spec.domain)) else {
                continue;
            };
            if let Some(slot) = model.get_mut(&leaf.path) {
                *slot = v;
            }
        }
    }
}
