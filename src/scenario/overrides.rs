//! (helper A writes this)
