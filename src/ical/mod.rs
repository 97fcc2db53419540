//! Lossless iCalendar content-line model.
pub mod value;
