use std::hint::black_box;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let what = args.get(3).map(String::as_str).unwrap_or("scan");
    let raw = std::fs::read(path).unwrap();
    let mut crlf = Vec::new();
    for &b in &raw {
        if b == b'\n' && crlf.last() != Some(&b'\r') {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    let limits = imip_bridge::Limits::DEFAULT;
    for _ in 0..n {
        match what {
            "scan" => {
                black_box(
                    imip_bridge::_internal::scan::parse(
                        black_box(&crlf),
                        &limits,
                        imip_bridge::_internal::scan::Fields::All,
                    )
                    .is_ok(),
                );
            }
            "mime" => {
                black_box(
                    imip_bridge::_internal::scan::parse(
                        black_box(&crlf),
                        &limits,
                        imip_bridge::_internal::scan::Fields::Mime,
                    )
                    .is_ok(),
                );
            }
            "walk" => {
                black_box(imip_bridge::_internal::scan::header_end(black_box(&crlf)));
            }
            _ => {}
        }
    }
}
