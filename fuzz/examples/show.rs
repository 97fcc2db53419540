//! Prints the output of `transform` (fuzz options) for a file: `cargo run --example show -- FILE [alphabet|vcs]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).expect("read");
    let raw = match args.get(2).map(String::as_str) {
        Some("alphabet") => imip_bridge_fuzz::checks::alphabet_to_message(&data),
        Some("vcs") => imip_bridge_fuzz::checks::vcs_message(&data),
        _ => data,
    };
    if let Some(p) = args.get(3) {
        std::fs::write(p, &raw).expect("write");
    }
    let out =
        imip_bridge::transform(&raw, &imip_bridge_fuzz::checks::options()).expect("transform");
    eprintln!("{:?} {:?}", out.disposition, out.report);
    use std::io::Write;
    std::io::stdout().write_all(&out.message).unwrap();
}
