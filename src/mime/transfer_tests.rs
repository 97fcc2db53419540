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

// ---------------------------------------------------------------------------
// Differential tests: the decoders against frozen references.
// ---------------------------------------------------------------------------

/// Frozen copies of earlier decoders, the references the current ones must match byte
/// for byte on every input.
mod reference {
    /// The first base64 decoder, one character at a time: the lenient semantics in
    /// their plainest form (skip non-alphabet bytes, stop at the first `=`, a 2- or
    /// 3-character tail gives 1 or 2 bytes, a 1-character tail nothing).
    pub fn base64_per_char(input: &[u8]) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let mut out = Vec::new();
        let mut acc: u32 = 0;
        let mut count = 0;
        for &c in input {
            if c == b'=' {
                break;
            }
            let Some(v) = value(c) else { continue };
            acc = (acc << 6) | u32::from(v);
            count += 1;
            if count == 4 {
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                acc = 0;
                count = 0;
            }
        }
        match count {
            2 => out.push((acc >> 4) as u8),
            3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            _ => {}
        }
        out
    }

    /// Maps a standard-alphabet base64 character to its 6-bit value.
    const fn base64_value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }

    const NOT_BASE64: u16 = 1 << 15;

    static DECODE: [u16; 256] = decode_table();

    static DECODE_PAIR: [u16; 65536] = decode_pair_table();

    const fn decode_table() -> [u16; 256] {
        let mut table = [NOT_BASE64; 256];
        let mut rest: &mut [u16] = &mut table;
        let mut byte: u8 = 0;
        while let [entry, tail @ ..] = rest {
            if let Some(v) = base64_value(byte) {
                *entry = v as u16;
            }
            rest = tail;
            byte = byte.wrapping_add(1);
        }
        table
    }

    const fn decode_pair_table() -> [u16; 65536] {
        let mut table = [NOT_BASE64; 65536];
        let mut rest: &mut [u16] = &mut table;
        let mut index: u16 = 0;
        while let [entry, tail @ ..] = rest {
            let [first, second] = index.to_le_bytes();
            if let (Some(a), Some(b)) = (base64_value(first), base64_value(second)) {
                *entry = ((a as u16) << 6) | b as u16;
            }
            rest = tail;
            index = index.wrapping_add(1);
        }
        table
    }

    fn value_of(c: u8) -> u16 {
        DECODE.get(usize::from(c)).copied().unwrap_or(NOT_BASE64)
    }

    fn pair_value(pair: u16) -> u64 {
        u64::from(
            DECODE_PAIR
                .get(usize::from(pair))
                .copied()
                .unwrap_or(NOT_BASE64),
        )
    }

    /// The pair-table base64 decoder as it was before the line-aware rewrite.
    pub fn base64_pair_table(input: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; input.len() / 4 * 3 + 3];
        let mut len = 0usize;
        let mut rest = input;
        let mut acc: u32 = 0;
        let mut count: u8 = 0;
        loop {
            if count == 0 && rest.first().is_some_and(|&c| value_of(c) != NOT_BASE64) {
                let (read, written) = decode_groups(rest, out.get_mut(len..).unwrap_or_default());
                rest = rest.get(read..).unwrap_or_default();
                len += written;
            }
            let Some((&c, tail)) = rest.split_first() else {
                break;
            };
            rest = tail;
            if c == b'=' {
                break;
            }
            let v = value_of(c);
            if v == NOT_BASE64 {
                continue;
            }
            acc = (acc << 6) | u32::from(v);
            count += 1;
            if count == 4 {
                let [_, b0, b1, b2] = acc.to_be_bytes();
                put(&mut out, &mut len, &[b0, b1, b2]);
                acc = 0;
                count = 0;
            }
        }
        match count {
            2 => put(&mut out, &mut len, &[(acc >> 4) as u8]),
            3 => put(&mut out, &mut len, &[(acc >> 10) as u8, (acc >> 2) as u8]),
            _ => {}
        }
        out.truncate(len);
        out
    }

    fn decode_groups(input: &[u8], out: &mut [u8]) -> (usize, usize) {
        let (mut read, mut written) = (0, 0);
        for (src, dst) in input.chunks_exact(8).zip(out.chunks_exact_mut(6)) {
            let Ok(src) = <[u8; 8]>::try_from(src) else {
                break;
            };
            let w = u64::from_le_bytes(src);
            let (p0, p1, p2, p3) = (
                pair_value(w as u16),
                pair_value((w >> 16) as u16),
                pair_value((w >> 32) as u16),
                pair_value((w >> 48) as u16),
            );
            if (p0 | p1 | p2 | p3) & u64::from(NOT_BASE64) != 0 {
                break;
            }
            let n = (p0 << 36) | (p1 << 24) | (p2 << 12) | p3;
            let [_, _, bytes @ ..] = n.to_be_bytes();
            dst.copy_from_slice(&bytes);
            read += 8;
            written += 6;
        }
        if let (Some(&[a, b, c, d]), Some([o0, o1, o2])) =
            (input.get(read..read + 4), out.get_mut(written..written + 3))
        {
            let (p0, p1) = (
                pair_value(u16::from_le_bytes([a, b])),
                pair_value(u16::from_le_bytes([c, d])),
            );
            if (p0 | p1) & u64::from(NOT_BASE64) == 0 {
                let [.., x, y, z] = ((p0 << 12) | p1).to_be_bytes();
                *o0 = x;
                *o1 = y;
                *o2 = z;
                read += 4;
                written += 3;
            }
        }
        (read, written)
    }

    fn put(out: &mut Vec<u8>, len: &mut usize, bytes: &[u8]) {
        let end = *len + bytes.len();
        match out.get_mut(*len..end) {
            Some(dst) => dst.copy_from_slice(bytes),
            None => {
                out.truncate(*len);
                out.extend_from_slice(bytes);
            }
        }
        *len = end;
    }

    fn hex_value(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }

    fn split_line(input: &[u8]) -> (&[u8], &[u8], &[u8]) {
        let Some(pos) = memchr::memchr2(b'\r', b'\n', input) else {
            return (input, &[], &[]);
        };
        let (content, tail) = input.split_at(pos);
        let eol_len = match tail {
            [b'\r', b'\n', ..] => 2,
            _ => 1,
        };
        let (eol, rest) = tail.split_at(eol_len.min(tail.len()));
        (content, eol, rest)
    }

    /// The line-by-line quoted-printable decoder as it was before the single-pass
    /// rewrite: each line (CRLF, LF or bare CR) loses its trailing blanks, then a
    /// final `=` (a soft break, which also drops the line end); `=XX` escapes inside.
    pub fn quoted_printable_lines(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len());
        let mut rest = input;
        while !rest.is_empty() {
            let (line, eol, next) = split_line(rest);
            rest = next;
            let mut content = line;
            while let [head @ .., b' ' | b'\t'] = content {
                content = head;
            }
            let soft_break = if let [head @ .., b'='] = content {
                content = head;
                true
            } else {
                false
            };
            qp_content_per_byte(content, &mut out);
            if !soft_break {
                out.extend_from_slice(eol);
            }
        }
        out
    }

    /// The escape decoder of one line, one byte at a time (before it copied runs).
    fn qp_content_per_byte(content: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while let Some(&b) = content.get(i) {
            if b == b'=' {
                let hi = content.get(i + 1).copied().and_then(hex_value);
                let lo = content.get(i + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push((hi << 4) | lo);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
    }
}

/// Asserts that `decode_base64` gives what both references give.
fn check_base64(input: &[u8]) {
    let expected = reference::base64_per_char(input);
    assert_eq!(
        reference::base64_pair_table(input),
        expected,
        "references disagree on {input:?}"
    );
    assert_eq!(decode_base64(input), expected, "base64 input {input:?}");
}

/// Asserts that `decode_quoted_printable` gives what the reference gives.
fn check_qp(input: &[u8]) {
    assert_eq!(
        decode_quoted_printable(input),
        reference::quoted_printable_lines(input),
        "quoted-printable input {input:?}"
    );
}

/// Every input up to `max_len` bytes over `alphabet`, passed to `check`.
fn for_all_strings(alphabet: &[u8], max_len: usize, mut check: impl FnMut(&[u8])) {
    let mut input = Vec::with_capacity(max_len);
    let mut digits = Vec::with_capacity(max_len);
    for len in 0..=max_len {
        digits.clear();
        digits.resize(len, 0usize);
        loop {
            input.clear();
            input.extend(digits.iter().map(|&d| alphabet[d]));
            check(&input);
            // Next string of this length (odometer).
            let mut i = 0;
            loop {
                if i == len {
                    break;
                }
                digits[i] += 1;
                if digits[i] < alphabet.len() {
                    break;
                }
                digits[i] = 0;
                i += 1;
            }
            if i == len {
                break;
            }
        }
    }
}

#[test]
fn base64_matches_references_on_every_short_input() {
    // Alphabet characters from each class and both ends of the table, the pad, line
    // ends, blanks, junk and 8-bit bytes: every string of up to 6 of them.
    for_all_strings(b"A/z+=\r\n \x80", 6, check_base64);
}

#[test]
fn base64_matches_references_around_block_edges() {
    // One odd byte at every position of clean text of every length up to 70, so that
    // it lands in every slot of every fast-path block.
    let data: Vec<u8> = (0..=255u8).collect();
    let clean = encode_base64(&data);
    for len in 0..70 {
        let base = clean.as_bytes().get(..len).unwrap_or_default();
        check_base64(base);
        for at in 0..=len {
            for odd in [b'=', b'\n', b'\r', b' ', b'*', b'\x00', b'\xff', b'-', b'_'] {
                let mut input = base.to_vec();
                input.insert(at, odd);
                check_base64(&input);
            }
        }
    }
}

#[test]
fn qp_matches_reference_on_every_short_input() {
    // `=`, hex digits of both cases, a non-hex letter, blanks, line ends and an
    // 8-bit byte: every string of up to 6 of them.
    for_all_strings(b"=0aFg \t\r\n\xe9", 6, check_qp);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Line ends, odd ones included.
    fn eol() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![
            &b"\r\n"[..],
            b"\n",
            b"\r",
            b"\r\r\n",
            b" \r\n",
            b"\n\n",
            b"",
        ])
    }

    /// Valid base64 of random data, wrapped at a random width with a random line end,
    /// its padding sometimes dropped, then garbage inserted at random places, then
    /// sometimes cut.
    fn mangled_base64() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec(any::<u8>(), 0..400),
            prop_oneof![1 => 1usize..100, 1 => prop::sample::select(vec![76usize, 72, 64, 60, 77, 75, 80])],
            eol(),
            any::<bool>(),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    prop::sample::select(b"=\r\n \t*-_.:\x00\x7f\x80\xffA+/".to_vec()),
                ),
                0..4,
            ),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(|(data, width, eol, strip_pad, junk, cut)| {
                let mut text = encode_base64(&data);
                if strip_pad {
                    text = text.trim_end_matches('=').to_owned();
                }
                let mut wrapped = Vec::new();
                for (i, c) in text.bytes().enumerate() {
                    if i > 0 && i % width == 0 {
                        wrapped.extend_from_slice(eol);
                    }
                    wrapped.push(c);
                }
                wrapped.extend_from_slice(eol);
                for (at, byte) in junk {
                    let at = at.index(wrapped.len() + 1);
                    wrapped.insert(at, byte);
                }
                if let Some(cut) = cut {
                    let at = cut.index(wrapped.len() + 1);
                    wrapped.truncate(at);
                }
                wrapped
            })
    }

    /// Two base64 texts joined: data after the padding (or after a missing one).
    fn concatenated_base64() -> impl Strategy<Value = Vec<u8>> {
        (mangled_base64(), eol(), mangled_base64()).prop_map(|(mut a, eol, b)| {
            a.extend_from_slice(eol);
            a.extend_from_slice(&b);
            a
        })
    }

    /// Mostly alphabet characters with some junk.
    fn noisy_base64() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                8 => prop::sample::select(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec()
                ),
                1 => any::<u8>(),
                1 => prop::sample::select(b"\r\n \t=".to_vec()),
            ],
            0..300,
        )
    }

    /// Quoted-printable pieces: text, escapes (valid, half, non-hex), soft breaks with
    /// and without blanks, hard line ends of every kind, blanks, 8-bit bytes.
    fn qp_piece() -> impl Strategy<Value = Vec<u8>> {
        let hex = prop::sample::select(b"0123456789abcdefABCDEF".to_vec());
        prop_oneof![
            4 => "[a-zA-Z0-9 .,]{1,20}".prop_map(String::into_bytes),
            2 => (hex.clone(), hex.clone()).prop_map(|(a, b)| vec![b'=', a, b]),
            1 => hex.clone().prop_map(|a| vec![b'=', a]),
            1 => (hex, any::<u8>()).prop_map(|(a, b)| vec![b'=', a, b]),
            1 => any::<u8>().prop_map(|b| vec![b'=', b]),
            2 => (prop::collection::vec(prop::sample::select(vec![b' ', b'\t']), 0..3), eol())
                .prop_map(|(blanks, eol)| {
                    let mut v = vec![b'='];
                    v.extend(blanks);
                    v.extend_from_slice(eol);
                    v
                }),
            2 => eol().prop_map(<[u8]>::to_vec),
            2 => prop::collection::vec(prop::sample::select(vec![b' ', b'\t']), 1..4),
            1 => Just(b"=".to_vec()),
            1 => prop::collection::vec(128u8.., 1..4),
        ]
    }

    fn quoted_printable() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(qp_piece(), 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn base64_matches_on_random_bytes(input in prop::collection::vec(any::<u8>(), 0..300)) {
            check_base64(&input);
        }

        #[test]
        fn base64_matches_on_mangled_base64(input in mangled_base64()) {
            check_base64(&input);
        }

        #[test]
        fn base64_matches_on_concatenated_base64(input in concatenated_base64()) {
            check_base64(&input);
        }

        #[test]
        fn base64_matches_on_noisy_base64(input in noisy_base64()) {
            check_base64(&input);
        }

        #[test]
        fn qp_matches_on_random_bytes(input in prop::collection::vec(any::<u8>(), 0..300)) {
            check_qp(&input);
        }

        #[test]
        fn qp_matches_on_random_quoted_printable(input in quoted_printable()) {
            check_qp(&input);
        }
    }
}

#[test]
fn base64_matches_references_on_edge_cases() {
    let cases: &[&[u8]] = &[
        b"",
        b"=",
        b"Z",
        b"Zg",
        b"Zm8",
        b"Zm9v",
        b"Zm9vY",
        b"Zm9vYg",
        b"Zm9vYmE",
        b"Zm9vYmFy",
        b"Zm9v\r\nYmFy\r\n",
        b"Zm9\r\nvYmFy",
        b"Z\r\nm\r\n9\r\nv",
        b"  Zm 9v\tYm*Fy!",
        b"\xff\x00Zm9v",
        b"Zg==Zm9v",
        b"Zm8=\r\nZm9v",
        b"=Zm9v",
        b"Zm9vYmFy=",
        b"Zm9v=YmFy",
        b"Zm9vY=mFy",
        b"Zm9vYmFyYmF6\n",
        b"Zm9vYmFyYmF6X",
        b"Zm9vYmFyYmF6XX",
        b"Zm9vYmFyYmF6XXX",
        b"Zm9vYmFy-_..Zm9v",
        b"////++++AAAAzzzz",
        b"\x80\x81Zm\xc3\xa99vYmFy",
        b"Zm9vYmFy\r\n\r\n\r\nZm9vYmFy\r\nZg\r\n",
    ];
    for &case in cases {
        check_base64(case);
    }
}

#[test]
fn base64_matches_references_on_generated_input() {
    // A deterministic mix of alphabet characters, line ends, blanks, junk and the
    // occasional `=`, at every length up to 300.
    let pool: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\r\n \t*-_\x00\xff=";
    let mut state: u32 = 0x1234_5678;
    for len in 0..300 {
        for round in 0..8 {
            let mut input = Vec::with_capacity(len);
            for _ in 0..len {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let r = (state >> 16) as usize;
                // Mostly alphabet characters; junk and `=` get rarer with each round.
                let i = if r.is_multiple_of(round + 2) {
                    r % pool.len()
                } else {
                    r % 64
                };
                input.push(pool[i]);
            }
            check_base64(&input);
        }
    }
}

#[test]
fn base64_decode_wrapped_lines_of_every_width() {
    let data: Vec<u8> = (0..=255u8).cycle().take(700).collect();
    let encoded = encode_base64(&data);
    for eol in [&b"\r\n"[..], b"\n"] {
        for width in 1..90 {
            let mut wrapped = Vec::new();
            for (i, c) in encoded.bytes().enumerate() {
                if i > 0 && i % width == 0 {
                    wrapped.extend_from_slice(eol);
                }
                wrapped.push(c);
            }
            assert_eq!(decode_base64(&wrapped), data, "width {width}");
            check_base64(&wrapped);
        }
    }
}

#[test]
fn qp_matches_reference_on_generated_input() {
    let pool: &[u8] = b"=0aF9gG= x\xc3\xa9\t\r\n";
    let mut state: u32 = 99;
    for len in 0..60 {
        for _ in 0..40 {
            let mut input = Vec::with_capacity(len);
            for _ in 0..len {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                input.push(pool[(state >> 16) as usize % pool.len()]);
            }
            check_qp(&input);
        }
    }
}

#[test]
fn base64_matches_references_on_full_length_lines() {
    // Lines of 76 characters (the fast path), LF or CRLF, with one odd byte at every
    // position of the first two lines and their line ends, or a line end dropped,
    // doubled or changed.
    let data: Vec<u8> = (0..=255u8).cycle().take(57 * 4 + 20).collect();
    for eol in ["\r\n", "\n"] {
        let text = encode_base64_lines(&data, eol).into_bytes();
        check_base64(&text);
        let span = 2 * (76 + eol.len()) + 1;
        for at in 0..span {
            for odd in [b'=', b'\n', b'\r', b' ', b'*', b'\x00', b'\xff', b'A'] {
                let mut input = text.clone();
                input.insert(at, odd);
                check_base64(&input);
                let mut input = text.clone();
                input[at] = odd;
                check_base64(&input);
            }
            let mut input = text.clone();
            input.remove(at);
            check_base64(&input);
        }
        // Cut anywhere.
        for len in 0..text.len() {
            check_base64(&text[..len]);
        }
    }
}

#[test]
fn qp_matches_reference_at_every_word_offset() {
    // Short strings over the interesting bytes (with `<` and 0x0e, which the
    // eight-byte scan can flag wrongly right above an `=` or a control byte), at every
    // offset inside plain text long enough for whole eight-byte words on both sides.
    let mut input = Vec::new();
    for_all_strings(b"=0aFg \t\r\n\xe9<\x0e", 4, |s| {
        for offset in 0..9 {
            input.clear();
            input.extend_from_slice(&b"abcdefghijklmnopq"[..offset]);
            input.extend_from_slice(s);
            input.extend_from_slice(b"rstuvwxyzABCDEFG");
            check_qp(&input);
            // And at the very end, where the scan goes byte by byte.
            input.truncate(offset + s.len());
            check_qp(&input);
        }
    });
}
