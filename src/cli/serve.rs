//! `palermo serve`: the classroom page. Checks the SCENARIO given (as `palermo check` would),
//! binds the address, prints the page's address as the first line of stdout (`--port 0`
//! picks a free port, which a test or a script reads there), optionally opens a browser, and
//! serves until interrupted, printing one line per request on stderr. The server itself is
//! [`crate::serve`].

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::common::{load, print_line};
use super::error::CliError;
use crate::serve::{self, Options};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A scenario to offer first, beside the shipped ones of --scenarios.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on: loopback unless you mean to serve other machines.
    #[arg(long, value_name = "H", default_value = "127.0.0.1")]
    pub host: String,
    /// The folder of shipped scenarios (its *.toml and teaching/*.toml, and
    /// teaching/lessons.toml); no other file is read.
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Runs `palermo serve`.
pub fn execute(args: &ServeArgs) -> Result<(), CliError> {
    if let Some(path) = &args.scenario {
        load(path, &[]).map_err(|e| CliError::BadInput(vec![e]))?;
    }
    let options = Options {
        host: args.host.clone(),
        port: args.port,
        scenarios: args.scenarios.clone(),
        scenario: args.scenario.clone(),
    };
    let log: serve::Log = Arc::new(|line| eprintln!("{line}"));
    let server = serve::bind(&options, log).map_err(|e| CliError::BadInput(vec![e.to_string()]))?;
    let url = server.url();
    let mut out = std::io::stdout();
    print_line(&mut out, &url)?;
    out.flush().map_err(|e| CliError::Other(e.to_string()))?;
    if args.open {
        open_browser(&url);
    }
    server.run().map_err(|e| CliError::Other(e.to_string()))
}

/// Asks the desktop to open `url`; a failure only says so, the server goes on.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
