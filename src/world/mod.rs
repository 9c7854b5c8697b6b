//! The world of one run (in progress).
pub mod ids;
pub use ids::{CountryId, NetworkId, TraffickerId};
