//! The weekly process (in progress).
