//! (helper B writes this)
