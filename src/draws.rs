//! Draws that several parts of the model share, below both `world` and `mechanisms`: the
//! form of exploitation a victim is recruited into (step 3) and the form a proactive police
//! lead is about (step 7), both from cumulative weights of the forms that the world keeps
//! from its model constants when it is built.

use crate::params::{ModelParams, Offence};

/// The weights of the exploitation forms, cumulated, in [`Offence::ALL`] order.
pub fn form_cumulative(model: &ModelParams) -> [f64; 7] {
    form_cumulative_weighted(model, |_| 1.0)
}

/// The forms police leads are about: the victims' forms weighted by police attention, 1 for
/// sexual exploitation and `police_focus_other` for the others.
pub fn police_form_cumulative(model: &ModelParams) -> [f64; 7] {
    form_cumulative_weighted(model, |o| {
        if o == Offence::Sexual {
            1.0
        } else {
            model.police_focus_other
        }
    })
}

fn form_cumulative_weighted(model: &ModelParams, focus: impl Fn(Offence) -> f64) -> [f64; 7] {
    let weights = [
        model.share_sexual,
        model.share_labour,
        model.share_child,
        model.share_debt_bondage,
        model.share_domestic_servitude,
        model.share_forced_criminality,
        model.share_organ_removal,
    ];
    let weights: Vec<f64> = weights
        .iter()
        .zip(Offence::ALL)
        .map(|(w, o)| w * focus(o))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut out = [0.0; 7];
    for (slot, &w) in out.iter_mut().zip(&weights) {
        // All-zero weights fall back to equal shares rather than dividing by zero.
        acc += if total > 0.0 { w / total } else { 1.0 / 7.0 };
        *slot = acc;
    }
    out
}

/// Draws a form from cumulative weights.
pub fn draw_form(cumulative: &[f64; 7], u: f64) -> Offence {
    let i = cumulative.iter().position(|&c| u < c).unwrap_or(6);
    Offence::ALL[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_drawn_by_weight() {
        let model = ModelParams::default();
        let cum = form_cumulative(&model);
        assert!((cum[6] - 1.0).abs() < 1e-12);
        assert_eq!(draw_form(&cum, 0.0), Offence::Sexual);
        assert_eq!(draw_form(&cum, 0.999_999), Offence::OrganRemoval);
        let zero = ModelParams {
            share_sexual: 0.0,
            share_labour: 0.0,
            share_child: 0.0,
            share_debt_bondage: 0.0,
            share_domestic_servitude: 0.0,
            share_forced_criminality: 0.0,
            share_organ_removal: 0.0,
            ..model
        };
        assert!((form_cumulative(&zero)[6] - 1.0).abs() < 1e-12);
    }
}
