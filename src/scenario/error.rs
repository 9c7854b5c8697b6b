//! Scenario errors (helper A writes this).
