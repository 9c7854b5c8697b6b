//! What a sweep or a merge tells its caller: [`Progress`] while it runs (the library never
//! prints; the terminal layer implements it) and a [`Report`] when it is done.

/// What the terminal shows while a sweep runs (the library never prints).
pub trait Progress: Sync {
    /// The sweep starts: `to_run` runs to compute, `done` already recorded.
    fn start(&self, to_run: usize, done: usize);
    /// One more run computed.
    fn run_done(&self);
}

/// What a finished sweep did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub points: usize,
    pub replicates: u32,
    pub runs: usize,
    /// Runs computed by this invocation.
    pub computed: usize,
    /// Runs read back from the work area (a resumed sweep).
    pub resumed: usize,
}
