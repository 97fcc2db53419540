//! Fuzz target `decoders`: see `imip_bridge_fuzz::checks` for what it asserts.
//!
//! `cargo +nightly fuzz run decoders` runs it under libFuzzer; a plain `cargo run --bin decoders --
//! FILE_OR_DIR...` replays inputs on any toolchain.
#![cfg_attr(fuzzing, no_main)]

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    imip_bridge_fuzz::checks::run_target("decoders", data);
});

#[cfg(not(fuzzing))]
fn main() {
    std::process::exit(imip_bridge_fuzz::replay_main("decoders"));
}
