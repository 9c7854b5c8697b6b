//! The `palermo` binary: parse the command line, dispatch to [`palermo::cli`], and map the
//! outcome to an exit status (0 ok, 2 bad input, 1 any other failure). Everything else lives
//! in the library.

use std::process::ExitCode;

use clap::Parser;
use palermo::cli::{self, Cli};

fn main() -> ExitCode {
    let parsed = match Cli::try_parse() {
        Ok(parsed) => parsed,
        // Help and version are "errors" with status 0; usage errors have status 2.
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli::execute(parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for message in e.messages() {
                eprintln!("error: {message}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
