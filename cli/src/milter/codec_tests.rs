use super::*;

fn one_command(c: &Command) -> Command {
    let mut wire = Vec::new();
    encode_command(c, &mut wire);
    let (packet, used) = split_packet(&wire).unwrap().unwrap();
    assert_eq!(used, wire.len());
    decode_command(packet).unwrap()
}

fn one_reply(r: &Reply) -> Reply {
    let mut wire = Vec::new();
    encode_reply(r, &mut wire);
    let (packet, used) = split_packet(&wire).unwrap().unwrap();
    assert_eq!(used, wire.len());
    decode_reply(packet).unwrap()
}

#[test]
fn commands_round_trip() {
    let commands = [
        Command::OptNeg {
            version: 6,
            actions: 0x1ff,
            protocol: 0x1fffff,
        },
        Command::Macro {
            stage: cmd::CONNECT,
            pairs: vec![
                (b"j".to_vec(), b"mx.example".to_vec()),
                (b"{daemon_name}".to_vec(), b"smtpd".to_vec()),
            ],
        },
        Command::Macro {
            stage: cmd::EOH,
            pairs: vec![],
        },
        Command::Stage {
            command: cmd::CONNECT,
            data: b"host\x004\x00\x19127.0.0.1\x00".to_vec(),
        },
        Command::Header {
            name: b"Subject".to_vec(),
            value: b"a\n\tfolded value".to_vec(),
        },
        Command::Header {
            name: b"X-Empty".to_vec(),
            value: Vec::new(),
        },
        Command::EndOfHeaders,
        Command::Body(vec![b'x'; MAX_BODY_CHUNK]),
        Command::EndOfBody(Vec::new()),
        Command::Abort,
        Command::Quit,
        Command::QuitNewConnection,
    ];
    for c in &commands {
        assert_eq!(&one_command(c), c);
    }
}

#[test]
fn replies_round_trip() {
    let replies = [
        Reply::OptNeg {
            version: 6,
            actions: action::ADDHDRS | action::CHGHDRS | action::CHGBODY,
            protocol: proto::NOCONNECT,
        },
        Reply::Continue,
        Reply::Accept,
        Reply::Skip,
        Reply::Tempfail,
        Reply::ChangeHeader {
            index: 2,
            name: b"Content-Type".to_vec(),
            value: b"text/plain".to_vec(),
        },
        Reply::ChangeHeader {
            index: 1,
            name: b"MIME-Version".to_vec(),
            value: Vec::new(),
        },
        Reply::AddHeader {
            name: b"Content-Class".to_vec(),
            value: b"urn:content-classes:calendarmessage".to_vec(),
        },
        Reply::InsertHeader {
            index: 0,
            name: b"X-A".to_vec(),
            value: b"b".to_vec(),
        },
        Reply::ReplaceBody(b"line\r\n".to_vec()),
    ];
    for r in &replies {
        assert_eq!(&one_reply(r), r);
    }
}

#[test]
fn wire_layout_matches_the_libmilter_description() {
    let mut wire = Vec::new();
    encode_reply(
        &Reply::ChangeHeader {
            index: 1,
            name: b"A".to_vec(),
            value: b"b".to_vec(),
        },
        &mut wire,
    );
    assert_eq!(wire, b"\0\0\0\x09m\0\0\0\x01A\0b\0");
    let mut wire = Vec::new();
    encode_reply(&Reply::Continue, &mut wire);
    assert_eq!(wire, b"\0\0\0\x01c");
    let optneg = b"\0\0\0\x0dO\0\0\0\x06\0\0\x01\xff\0\x1f\xff\xff";
    let (packet, _) = split_packet(optneg).unwrap().unwrap();
    assert_eq!(
        decode_command(packet).unwrap(),
        Command::OptNeg {
            version: 6,
            actions: 0x1ff,
            protocol: 0x1f_ffff
        }
    );
}

#[test]
fn partial_input_asks_for_more() {
    let mut wire = Vec::new();
    encode_command(&Command::Body(b"hello".to_vec()), &mut wire);
    for cut in 0..wire.len() {
        assert_eq!(split_packet(&wire[..cut]).unwrap(), None, "cut at {cut}");
    }
}

#[test]
fn bad_lengths_are_refused() {
    assert_eq!(packet_len([0, 0, 0, 0]), Err(CodecError::Length(0)));
    assert_eq!(
        packet_len([0xff, 0xff, 0xff, 0xff]),
        Err(CodecError::Length(u32::MAX))
    );
    let over = u32::try_from(MAX_PACKET + 1).unwrap().to_be_bytes();
    assert!(packet_len(over).is_err());
    let max = u32::try_from(MAX_PACKET).unwrap().to_be_bytes();
    assert_eq!(packet_len(max), Ok(MAX_PACKET));
}

#[test]
fn malformed_packets_are_errors_not_panics() {
    let cases: &[&[u8]] = &[
        b"",
        b"O\0\0\0\x06",
        b"L",
        b"Lname",
        b"Lname\0",
        b"Lname\0value",
        b"La\0b\0c\0",
        b"D",
        b"DCj\0unterminated",
        b"z",
        b"\xff",
    ];
    for c in cases {
        assert!(decode_command(c).is_err(), "{c:?}");
    }
    let reply_cases: &[&[u8]] = &[b"", b"m\0\0", b"m\0\0\0\x01a\0", b"hx", b"Z"];
    for c in reply_cases {
        assert!(decode_reply(c).is_err(), "{c:?}");
    }
}

#[test]
fn every_byte_string_decodes_or_errors() {
    // A small exhaustive sweep over short packets: no panics anywhere.
    let alphabet = [0u8, 1, 6, b'O', b'L', b'D', b'B', b'E', b'a', b'x', 0xff];
    for a in alphabet {
        for b in alphabet {
            for c in alphabet {
                for d in alphabet {
                    let p = [a, b, c, d];
                    let _ = decode_command(&p);
                    let _ = decode_reply(&p);
                    let _ = split_packet(&p);
                }
            }
        }
    }
}
