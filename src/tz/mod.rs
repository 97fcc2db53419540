//! Time zones: identifying the zone a sender meant by a TZID ([`resolve`]), from the
//! name tables in [`data`] (CLDR Windows zones, Windows display names of every era,
//! Lotus Notes and Exchange CDO names, tzdb aliases) and, as a last resort, from the
//! rules of the sender's VTIMEZONE.
//!
//! This module identifies zones; it does not rewrite calendars.

pub mod data;
mod memo;
pub mod observe;
pub mod repair;
pub mod resolve;
pub mod rules;
pub mod vtimezone;
