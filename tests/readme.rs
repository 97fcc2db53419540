//! The README documents every report code the library can emit.

use imip_bridge::{FixCode, ViolationCode, WarningCode};

#[test]
fn readme_lists_every_report_code() {
    let readme = include_str!("../README.md");
    let missing: Vec<&str> = FixCode::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(WarningCode::ALL.iter().map(|c| c.as_str()))
        .chain(ViolationCode::ALL.iter().map(|c| c.as_str()))
        .filter(|code| !readme.contains(&format!("`{code}`")))
        .collect();
    assert!(missing.is_empty(), "README does not document: {missing:?}");
}
