use super::*;
use crate::mime::transfer::decode_base64;
use chrono::TimeZone;

const GUID: [u8; 16] = [
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
];

#[test]
fn filetime_of_known_instants() {
    let unix_epoch = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(filetime(unix_epoch), 116_444_736_000_000_000);
    let ft_epoch = Utc.with_ymd_and_hms(1601, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(filetime(ft_epoch), 0);
    let before = Utc.with_ymd_and_hms(1500, 6, 1, 0, 0, 0).unwrap();
    assert_eq!(filetime(before), 0);
}

#[test]
fn thread_index_2009_by_hand() {
    let t = Utc.with_ymd_and_hms(2009, 1, 1, 0, 0, 0).unwrap();
    // 2009-01-01 is 1_230_768_000 s after the Unix epoch:
    // 1_230_768_000 * 10^7 + 116_444_736_000_000_000 = 128_752_416_000_000_000
    // = 0x01C9_6BA3_E3A7_4000; the header takes the 5 bytes after the top byte:
    // C9 6B A3 E3 A7 (as Outlook writes: real indexes start "Ac...").
    assert_eq!(filetime(t), 128_752_416_000_000_000);
    assert_eq!(filetime(t), 0x01C9_6BA3_E3A7_4000);
    let mut expected = vec![0x01, 0xC9, 0x6B, 0xA3, 0xE3, 0xA7];
    expected.extend_from_slice(&GUID);

    let value = thread_index(t, GUID);
    // 22 bytes: 30 significant characters plus "==" padding.
    assert_eq!(value.len(), 32);
    assert_eq!(value.trim_end_matches('=').len(), 30);
    assert!(value.starts_with("Ac"));
    assert_eq!(decode_base64(value.as_bytes()), expected);
    assert_eq!(value, "Aclro+OnEBESExQVFhcYGRobHB0eHw==");
    assert!(is_valid_thread_index(&value));
}

#[test]
fn thread_index_before_1601_clamps_to_zero() {
    let t = Utc.with_ymd_and_hms(1000, 1, 1, 0, 0, 0).unwrap();
    let bytes = decode_base64(thread_index(t, [0xff; 16]).as_bytes());
    assert_eq!(&bytes[..6], &[0x01, 0, 0, 0, 0, 0]);
    assert_eq!(&bytes[6..], &[0xff; 16]);
}

#[test]
fn thread_index_far_future_does_not_panic() {
    let value = thread_index(DateTime::<Utc>::MAX_UTC, GUID);
    let bytes = decode_base64(value.as_bytes());
    assert_eq!(&bytes[..6], &[0x01, 0xff, 0xff, 0xff, 0xff, 0xff]);
    let value = thread_index(DateTime::<Utc>::MIN_UTC, GUID);
    assert!(is_valid_thread_index(&value));
}

#[test]
fn valid_thread_index_lengths() {
    // 22 bytes (header), 27 (one child), 32 (two children).
    let header: Vec<u8> = std::iter::once(0x01).chain(1..22).collect();
    assert!(is_valid_thread_index(&encode_base64(&header)));
    let mut one_child = header.clone();
    one_child.extend_from_slice(&[9; 5]);
    assert!(is_valid_thread_index(&encode_base64(&one_child)));
    let mut two_children = one_child.clone();
    two_children.extend_from_slice(&[7; 5]);
    assert!(is_valid_thread_index(&encode_base64(&two_children)));
    // Folding whitespace and missing padding are tolerated.
    assert!(is_valid_thread_index(
        " AQHJa6PjEBESExQVFhcY\r\n GRobHB0eHw "
    ));
    assert!(is_valid_thread_index("AQHJa6PjEBESExQVFhcYGRobHB0eHw"));
}

#[test]
fn invalid_thread_index_values() {
    assert!(!is_valid_thread_index(""));
    assert!(!is_valid_thread_index("not base64 at all!"));
    // Wrong first byte.
    let mut wrong = vec![0x02];
    wrong.extend_from_slice(&[0; 21]);
    assert!(!is_valid_thread_index(&encode_base64(&wrong)));
    // 23 bytes: not 22 + 5n.
    let mut odd = vec![0x01];
    odd.extend_from_slice(&[0; 22]);
    assert!(!is_valid_thread_index(&encode_base64(&odd)));
    // Too short.
    assert!(!is_valid_thread_index(&encode_base64(&[0x01; 21])));
    // Junk characters and misplaced padding.
    assert!(!is_valid_thread_index("AQHJa6Pj*EBESExQVFhcYGRobHB0eHw=="));
    assert!(!is_valid_thread_index("AQHJa6Pj=EBESExQVFhcYGRobHB0eHw="));
    assert!(!is_valid_thread_index("AQHJa6PjEBESExQVFhcYGRobHB0eHw==="));
    assert!(!is_valid_thread_index("AQHJa6PjEBESExQVFhcYGRobHB0eHw="));
}

#[test]
fn strips_reply_and_forward_prefixes() {
    assert_eq!(strip_subject_prefixes("Re: Budget"), "Budget");
    assert_eq!(strip_subject_prefixes("RE:Budget"), "Budget");
    assert_eq!(strip_subject_prefixes("re:   Budget  "), "Budget");
    assert_eq!(
        strip_subject_prefixes("Fwd: Fw: RE: AW: WG: SV: VS: Antw: Budget"),
        "Budget"
    );
    assert_eq!(strip_subject_prefixes("  Re: Re: Re: x"), "x");
}

#[test]
fn strips_meeting_response_prefixes() {
    assert_eq!(strip_subject_prefixes("Accepted: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Declined: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Tentative: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Tentatively Accepted: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("tentatively accepted: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("New Time Proposed: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Canceled: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Cancelled: Sync"), "Sync");
    assert_eq!(strip_subject_prefixes("Updated: Re: Sync"), "Sync");
}

#[test]
fn keeps_non_prefixes() {
    assert_eq!(
        strip_subject_prefixes("[list] Re: Budget"),
        "[list] Re: Budget"
    );
    assert_eq!(strip_subject_prefixes("Re: [list] Budget"), "[list] Budget");
    assert_eq!(
        strip_subject_prefixes("Reminder: Budget"),
        "Reminder: Budget"
    );
    assert_eq!(strip_subject_prefixes("Re Budget"), "Re Budget");
    assert_eq!(strip_subject_prefixes("Tentatively: x"), "Tentatively: x");
    assert_eq!(strip_subject_prefixes("Réunion: x"), "Réunion: x");
    assert_eq!(strip_subject_prefixes("Re"), "Re");
    assert_eq!(strip_subject_prefixes("Re:"), "");
    assert_eq!(strip_subject_prefixes(""), "");
    assert_eq!(strip_subject_prefixes("会议: x"), "会议: x");
}
