//! `sensitivity.csv`: the sensitivity indices of a `sobol` or `morris` sweep, one row per
//! outcome and parameter, computed by `analysis` from the points' mean outcomes (the
//! `_mean` cells of `points.csv`) and written with the sweep's other files.
//!
//! The bootstrap draws [`BOOTSTRAP_RESAMPLES`] resamples from the design seed (`rng::bootstrap`), and
//! the indices are computed after every run is in, in point order, so the file is a pure
//! function of the sweep: the same bytes whatever `--threads`, and from a merge of shards.
//! An index that is undefined (an outcome no replicate defines at some point, outputs that
//! do not vary) is an empty cell.

use crate::analysis::{self, Index, Resamples};
use crate::output::OutputError;
use crate::output::atomic::{Pending, Staged};
use crate::output::sweep_csv::{self, Cell, MORRIS_COLUMNS, SOBOL_COLUMNS};
use crate::scenario::sweep::Design;

use super::files::SENSITIVITY_FILE;
use super::plan::Plan;

/// Bootstrap resamples behind every interval: SALib's default is 100; 1,000 make the
/// interval's own sampling error small (about 2 % of its width).
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// The cells of an index, its interval's bounds empty when undefined.
fn index_cells(index: Option<Index>) -> [Cell<'static>; 3] {
    let value = index.map_or(f64::NAN, |i| i.value);
    let (low, high) = index.and_then(|i| i.ci).unwrap_or((f64::NAN, f64::NAN));
    [Cell::number(value), Cell::number(low), Cell::number(high)]
}

/// Writes `sensitivity.csv` for a sobol or morris design from `means[outcome][point]`;
/// `None` for the other designs, which have no indices.
pub(super) fn write_sensitivity(
    stage: &dyn Fn(&str) -> Result<Staged, OutputError>,
    plan: &Plan,
    means: &[Vec<f64>],
) -> Result<Option<Pending>, OutputError> {
    let header: &[&str] = match plan.spec.design {
        Design::Sobol { .. } => &SOBOL_COLUMNS,
        Design::Morris { .. } => &MORRIS_COLUMNS,
        _ => return Ok(None),
    };
    let resamples = Resamples {
        seed: plan.design_seed,
        count: BOOTSTRAP_RESAMPLES,
    };
    let parameters = &plan.points.paths;
    let d = parameters.len();
    // Morris reads the direction of each step from the values, as SALib does.
    let x = plan.points.numbers();
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(stage(SENSITIVITY_FILE)?);
    w.write_record(header)?;
    for (outcome, y) in sweep_csv::outcomes().iter().zip(means) {
        let rows: Vec<Vec<Cell<'_>>> = match plan.spec.design {
            Design::Morris { levels, .. } => {
                let found = analysis::morris::indices(&x, y, levels, &resamples);
                (0..d)
                    .map(|j| {
                        let m = found.as_ref().map(|all| all[j]);
                        let mut row = index_cells(m.map(|m| m.mu_star)).to_vec();
                        row.extend(index_cells(m.and_then(|m| m.sigma)));
                        row.push(Cell::number(m.map_or(f64::NAN, |m| m.mu)));
                        row
                    })
                    .collect()
            }
            _ => {
                let found = analysis::sobol::indices(y, d, &resamples);
                (0..d)
                    .map(|j| {
                        let s = found.as_ref().map(|all| all[j]);
                        let mut row = index_cells(s.map(|s| s.first)).to_vec();
                        row.extend(index_cells(s.map(|s| s.total)));
                        row
                    })
                    .collect()
            }
        };
        for (parameter, cells) in parameters.iter().zip(rows) {
            let key = [Cell::Text(outcome), Cell::Text(parameter)];
            w.serialize(key.into_iter().chain(cells).collect::<Vec<_>>())?;
        }
    }
    let staged = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    staged.finish().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_indices_are_empty_cells() {
        assert_eq!(
            index_cells(None),
            [Cell::Number(None), Cell::Number(None), Cell::Number(None)]
        );
        let no_ci = Index {
            value: 0.25,
            ci: None,
        };
        assert_eq!(
            index_cells(Some(no_ci)),
            [
                Cell::Number(Some(0.25)),
                Cell::Number(None),
                Cell::Number(None)
            ]
        );
    }
}
