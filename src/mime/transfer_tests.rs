use super::*;

/// RFC 4648 section 10 test vectors.
const RFC4648: &[(&str, &str)] = &[
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
];

#[test]
fn base64_encode_rfc4648_vectors() {
    for &(plain, encoded) in RFC4648 {
        assert_eq!(encode_base64(plain.as_bytes()), encoded, "encode {plain:?}");
    }
}

#[test]
fn base64_decode_rfc4648_vectors() {
    for &(plain, encoded) in RFC4648 {
        assert_eq!(
            decode_base64(encoded.as_bytes()),
            plain.as_bytes(),
            "decode {encoded:?}"
        );
    }
}

#[test]
fn base64_decode_unpadded_tails() {
    assert_eq!(decode_base64(b"Zg"), b"f");
    assert_eq!(decode_base64(b"Zm8"), b"fo");
    assert_eq!(decode_base64(b"Zm9vYmE"), b"fooba");
}

#[test]
fn base64_decode_ignores_single_char_tail() {
    assert_eq!(decode_base64(b"Zm9vY"), b"foo");
    assert_eq!(decode_base64(b"Z"), b"");
}

#[test]
fn base64_decode_skips_whitespace_and_junk() {
    assert_eq!(decode_base64(b"Zm9v\r\nYmFy\r\n"), b"foobar");
    assert_eq!(decode_base64(b"  Zm 9v\tYm*Fy!"), b"foobar");
    assert_eq!(decode_base64(b"\xff\x00Zm9v"), b"foo");
}

#[test]
fn base64_decode_stops_at_padding() {
    assert_eq!(decode_base64(b"Zg==Zm9v"), b"f");
    assert_eq!(decode_base64(b"Zm8=\r\nZm9v"), b"fo");
    assert_eq!(decode_base64(b"=Zm9v"), b"");
}

#[test]
fn base64_round_trips_all_byte_values() {
    let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    for len in 0..data.len() {
        let slice = &data[..len];
        assert_eq!(decode_base64(encode_base64(slice).as_bytes()), slice);
    }
    assert_eq!(encode_base64(&[0xfb, 0xff, 0xbf]), "+/+/");
}

#[test]
fn base64_lines_are_76_chars_with_trailing_eol() {
    assert_eq!(encode_base64_lines(b"", "\r\n"), "");
    assert_eq!(encode_base64_lines(b"foobar", "\r\n"), "Zm9vYmFy\r\n");

    // 57 bytes encode to exactly 76 characters: one full line.
    let exact = vec![b'x'; 57];
    let one = encode_base64_lines(&exact, "\n");
    assert_eq!(one.len(), 77);
    assert!(one.ends_with('\n'));
    assert_eq!(one.matches('\n').count(), 1);

    let data: Vec<u8> = (0..200u8).collect();
    let text = encode_base64_lines(&data, "\r\n");
    assert!(text.ends_with("\r\n"));
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 4); // 200 bytes -> 268 chars -> 76+76+76+40
    assert!(lines[..3].iter().all(|l| l.len() == 76));
    assert_eq!(lines[3].len(), 40);
    assert_eq!(lines.concat(), encode_base64(&data));
    assert_eq!(decode_base64(text.as_bytes()), data);
}

#[test]
fn qp_hex_escapes_either_case() {
    assert_eq!(decode_quoted_printable(b"a=3Db"), b"a=b");
    assert_eq!(decode_quoted_printable(b"caf=C3=A9"), "café".as_bytes());
    assert_eq!(decode_quoted_printable(b"caf=c3=a9"), "café".as_bytes());
    assert_eq!(decode_quoted_printable(b"=00=FF"), b"\x00\xff");
}

#[test]
fn qp_soft_breaks_crlf_lf_cr() {
    assert_eq!(decode_quoted_printable(b"foo=\r\nbar"), b"foobar");
    assert_eq!(decode_quoted_printable(b"foo=\nbar"), b"foobar");
    assert_eq!(decode_quoted_printable(b"foo=\rbar"), b"foobar");
    assert_eq!(
        decode_quoted_printable(b"a=3D=\r\nb=C3=\r\n=A9\r\n"),
        "a=bé\r\n".as_bytes()
    );
}

#[test]
fn qp_soft_break_with_trailing_whitespace() {
    assert_eq!(decode_quoted_printable(b"foo= \t\r\nbar"), b"foobar");
    assert_eq!(decode_quoted_printable(b"foo=  \nbar"), b"foobar");
    assert_eq!(decode_quoted_printable(b"foo="), b"foo");
}

#[test]
fn qp_hard_breaks_keep_input_line_endings() {
    assert_eq!(decode_quoted_printable(b"a\r\nb\nc\rd"), b"a\r\nb\nc\rd");
    assert_eq!(decode_quoted_printable(b"\r\n\r\n"), b"\r\n\r\n");
}

#[test]
fn qp_trailing_whitespace_before_hard_break_removed() {
    assert_eq!(decode_quoted_printable(b"foo  \t\r\nbar"), b"foo\r\nbar");
    assert_eq!(decode_quoted_printable(b"foo \nbar \t"), b"foo\nbar");
    // Encoded whitespace survives.
    assert_eq!(decode_quoted_printable(b"foo=20\r\n"), b"foo \r\n");
    assert_eq!(decode_quoted_printable(b"a b\tc"), b"a b\tc");
}

#[test]
fn qp_invalid_sequences_kept_literally() {
    assert_eq!(decode_quoted_printable(b"a=ZZb"), b"a=ZZb");
    assert_eq!(decode_quoted_printable(b"a=3"), b"a=3");
    assert_eq!(decode_quoted_printable(b"a=3\r\n"), b"a=3\r\n");
    assert_eq!(decode_quoted_printable(b"==41"), b"=A");
    assert_eq!(decode_quoted_printable(b"a = b"), b"a = b");
    assert_eq!(decode_quoted_printable(b"a==\r\nb"), b"a=b");
}

#[test]
fn qp_passes_through_8bit_and_empty() {
    assert_eq!(decode_quoted_printable(b""), b"");
    assert_eq!(
        decode_quoted_printable("café".as_bytes()),
        "café".as_bytes()
    );
}
