//! Fuzz target `transform`: see `imip_bridge_fuzz::checks` for what it asserts.
//!
//! `cargo +nightly fuzz run transform` runs it under libFuzzer; a plain `cargo run --bin transform --
//! FILE_OR_DIR...` replays inputs on any toolchain.
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    imip_bridge_fuzz::checks::run_target("transform", data);
});

#[cfg(not(fuzzing))]
fn main() {
    std::process::exit(imip_bridge_fuzz::replay_main("transform"));
}
