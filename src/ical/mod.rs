//! Lossless iCalendar content-line model (RFC 5545 section 3.1): unfold bytes, decode
//! the charset, parse into an ordered component tree, write back with one folding
//! writer. Knows nothing of iTIP or mail.

pub mod lex;
pub mod model;
pub mod parse;
pub mod value;
pub mod write;

pub use model::{Component, Property};

#[cfg(test)]
#[path = "ical_tests.rs"]
mod tests;
