//! `palermo params`: the parameter table (path, default, range, unit, meaning) on stdout, as
//! aligned text or as the Markdown table embedded in `docs/ODD.md`.

use std::io;

use clap::Args;

use super::common::print_text;
use super::error::CliError;
use crate::output::{params_markdown, params_text};

#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Print a Markdown table (as embedded in docs/ODD.md) instead of aligned text.
    #[arg(long)]
    pub markdown: bool,
}

/// Runs `palermo params`.
pub fn execute(args: &ParamsArgs) -> Result<(), CliError> {
    let text = if args.markdown {
        params_markdown()
    } else {
        params_text()
    };
    print_text(&mut io::stdout().lock(), &text)
}
