//! The commands of the `imip-bridge` binary that sit in the mail path: the Postfix
//! content filter ([`filter`]), the milter ([`milter`]) and bulk conversion
//! ([`batch`]), plus what they share ([`common`]). The library `imip-bridge` stays
//! pure; every byte of I/O is here.
//!
//! Rules for this code: never lose a message, never bounce one by accident, pass
//! through what is not understood, stay bounded. No `unwrap`/`expect` outside tests.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod batch;
pub mod common;
pub mod filter;
pub mod milter;
