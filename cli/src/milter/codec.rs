//! The milter wire format (Sendmail/Postfix milter protocol version 6, as documented
//! for libmilter): every packet is a 4-byte big-endian length, then a one-byte
//! command, then `length - 1` bytes of data. Both directions are here: the MTA side
//! (commands) is decoded by the server and encoded by the tests' in-process MTA; the
//! filter side (replies) the other way round. Pure functions, no I/O.

use std::fmt;

/// The protocol version this filter speaks.
pub const VERSION: u32 = 6;

/// Largest body chunk an MTA sends and the largest `SMFIR_REPLBODY` chunk we send.
pub const MAX_BODY_CHUNK: usize = 65_535;

/// Largest packet accepted (command byte + data): 1 MiB for header values and macro
/// lists plus a body chunk. A larger length closes the connection.
pub const MAX_PACKET: usize = 1024 * 1024 + MAX_BODY_CHUNK;

/// Commands (MTA to filter), `SMFIC_*`.
pub mod cmd {
    /// SMFIC_ABORT: abort the current message.
    pub const ABORT: u8 = b'A';
    /// SMFIC_BODY: a body chunk.
    pub const BODY: u8 = b'B';
    /// SMFIC_CONNECT: connection information.
    pub const CONNECT: u8 = b'C';
    /// SMFIC_MACRO: macro definitions for the next command.
    pub const MACRO: u8 = b'D';
    /// SMFIC_BODYEOB: end of the message body.
    pub const BODYEOB: u8 = b'E';
    /// SMFIC_HELO: the HELO/EHLO argument.
    pub const HELO: u8 = b'H';
    /// SMFIC_QUIT_NC: end of this SMTP connection, a new one follows on this socket.
    pub const QUIT_NC: u8 = b'K';
    /// SMFIC_HEADER: one header field.
    pub const HEADER: u8 = b'L';
    /// SMFIC_MAIL: MAIL FROM.
    pub const MAIL: u8 = b'M';
    /// SMFIC_EOH: end of headers.
    pub const EOH: u8 = b'N';
    /// SMFIC_OPTNEG: option negotiation.
    pub const OPTNEG: u8 = b'O';
    /// SMFIC_QUIT: close the connection.
    pub const QUIT: u8 = b'Q';
    /// SMFIC_RCPT: RCPT TO.
    pub const RCPT: u8 = b'R';
    /// SMFIC_DATA: DATA.
    pub const DATA: u8 = b'T';
    /// SMFIC_UNKNOWN: an unknown SMTP command.
    pub const UNKNOWN: u8 = b'U';
}

/// Replies (filter to MTA), `SMFIR_*`.
pub mod reply {
    /// SMFIR_ACCEPT
    pub const ACCEPT: u8 = b'a';
    /// SMFIR_REPLBODY
    pub const REPLBODY: u8 = b'b';
    /// SMFIR_CONTINUE
    pub const CONTINUE: u8 = b'c';
    /// SMFIR_ADDHEADER
    pub const ADDHEADER: u8 = b'h';
    /// SMFIR_INSHEADER
    pub const INSHEADER: u8 = b'i';
    /// SMFIR_CHGHEADER
    pub const CHGHEADER: u8 = b'm';
    /// SMFIR_SKIP
    pub const SKIP: u8 = b's';
    /// SMFIR_TEMPFAIL
    pub const TEMPFAIL: u8 = b't';
    /// SMFIC_OPTNEG, echoed
    pub const OPTNEG: u8 = b'O';
}

/// Actions the filter may take (`SMFIF_*`), negotiated in OPTNEG.
pub mod action {
    /// SMFIF_ADDHDRS: add headers.
    pub const ADDHDRS: u32 = 0x01;
    /// SMFIF_CHGBODY: replace the body.
    pub const CHGBODY: u32 = 0x02;
    /// SMFIF_CHGHDRS: change and delete headers.
    pub const CHGHDRS: u32 = 0x10;
}

/// Protocol steps the filter may skip or not reply to (`SMFIP_*`), negotiated in OPTNEG.
pub mod proto {
    /// SMFIP_NOCONNECT
    pub const NOCONNECT: u32 = 0x01;
    /// SMFIP_NOHELO
    pub const NOHELO: u32 = 0x02;
    /// SMFIP_NOMAIL
    pub const NOMAIL: u32 = 0x04;
    /// SMFIP_NORCPT
    pub const NORCPT: u32 = 0x08;
    /// SMFIP_NOBODY
    pub const NOBODY: u32 = 0x10;
    /// SMFIP_NOHDRS
    pub const NOHDRS: u32 = 0x20;
    /// SMFIP_NOEOH
    pub const NOEOH: u32 = 0x40;
    /// SMFIP_NR_HDR (also SMFIP_NOHREPL): no reply to each header.
    pub const NR_HDR: u32 = 0x80;
    /// SMFIP_NOUNKNOWN
    pub const NOUNKNOWN: u32 = 0x100;
    /// SMFIP_NODATA
    pub const NODATA: u32 = 0x200;
    /// SMFIP_SKIP: the MTA understands SMFIR_SKIP.
    pub const SKIP: u32 = 0x400;
    /// SMFIP_NR_CONN
    pub const NR_CONN: u32 = 0x1000;
    /// SMFIP_NR_HELO
    pub const NR_HELO: u32 = 0x2000;
    /// SMFIP_NR_MAIL
    pub const NR_MAIL: u32 = 0x4000;
    /// SMFIP_NR_RCPT
    pub const NR_RCPT: u32 = 0x8000;
    /// SMFIP_NR_DATA
    pub const NR_DATA: u32 = 0x10000;
    /// SMFIP_NR_UNKN
    pub const NR_UNKN: u32 = 0x20000;
    /// SMFIP_NR_EOH
    pub const NR_EOH: u32 = 0x40000;
    /// SMFIP_NR_BODY
    pub const NR_BODY: u32 = 0x80000;
}

/// A command from the MTA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// SMFIC_OPTNEG: what the MTA offers.
    OptNeg {
        /// Protocol version.
        version: u32,
        /// Actions the MTA allows (`SMFIF_*`).
        actions: u32,
        /// Steps the MTA can leave out (`SMFIP_*`).
        protocol: u32,
    },
    /// SMFIC_MACRO: `{name, value}` pairs for the command `stage`.
    Macro {
        /// The command the macros belong to.
        stage: u8,
        /// Name/value pairs.
        pairs: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// SMFIC_CONNECT, HELO, MAIL, RCPT, DATA or UNKNOWN: an SMTP stage whose contents
    /// this filter does not need.
    Stage {
        /// The command byte.
        command: u8,
        /// Its data, undecoded.
        data: Vec<u8>,
    },
    /// SMFIC_HEADER: a header field. The value has folded lines joined by LF.
    Header {
        /// Field name.
        name: Vec<u8>,
        /// Field value.
        value: Vec<u8>,
    },
    /// SMFIC_EOH
    EndOfHeaders,
    /// SMFIC_BODY: a body chunk (CRLF line ends).
    Body(Vec<u8>),
    /// SMFIC_BODYEOB: end of message, possibly with a last body chunk.
    EndOfBody(Vec<u8>),
    /// SMFIC_ABORT
    Abort,
    /// SMFIC_QUIT
    Quit,
    /// SMFIC_QUIT_NC
    QuitNewConnection,
}

/// A reply to the MTA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// SMFIC_OPTNEG: what the filter takes of the offer.
    OptNeg {
        /// Protocol version.
        version: u32,
        /// Actions the filter will use.
        actions: u32,
        /// Steps the filter does not want or will not reply to.
        protocol: u32,
    },
    /// SMFIR_CONTINUE
    Continue,
    /// SMFIR_ACCEPT
    Accept,
    /// SMFIR_SKIP: send no more body chunks.
    Skip,
    /// SMFIR_TEMPFAIL
    Tempfail,
    /// SMFIR_CHGHEADER: replace occurrence `index` (1-based) of `name`; an empty value
    /// deletes it.
    ChangeHeader {
        /// 1-based occurrence among fields of this name.
        index: u32,
        /// Field name.
        name: Vec<u8>,
        /// New value, folded lines joined by LF.
        value: Vec<u8>,
    },
    /// SMFIR_ADDHEADER: append a field.
    AddHeader {
        /// Field name.
        name: Vec<u8>,
        /// Value, folded lines joined by LF.
        value: Vec<u8>,
    },
    /// SMFIR_INSHEADER: insert a field at position `index` (0 = first).
    InsertHeader {
        /// Position among all fields.
        index: u32,
        /// Field name.
        name: Vec<u8>,
        /// Value, folded lines joined by LF.
        value: Vec<u8>,
    },
    /// SMFIR_REPLBODY: one chunk of the new body (at most [`MAX_BODY_CHUNK`] bytes).
    ReplaceBody(Vec<u8>),
}

/// Why a packet was refused. The connection it came on is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// The length prefix is 0 or over [`MAX_PACKET`].
    Length(u32),
    /// A command byte this protocol does not have.
    UnknownCommand(u8),
    /// The data does not have the shape the command requires.
    Malformed {
        /// The command byte.
        command: u8,
        /// What is wrong.
        why: &'static str,
    },
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Length(n) => write!(f, "packet length {n} out of range 1..={MAX_PACKET}"),
            CodecError::UnknownCommand(c) => write!(f, "unknown command 0x{c:02x}"),
            CodecError::Malformed { command, why } => {
                write!(f, "malformed '{}' packet: {why}", char::from(*command))
            }
        }
    }
}

impl std::error::Error for CodecError {}

/// Validates a length prefix: the number of bytes (command + data) that follow.
pub fn packet_len(prefix: [u8; 4]) -> Result<usize, CodecError> {
    let n = u32::from_be_bytes(prefix);
    match usize::try_from(n) {
        Ok(len) if (1..=MAX_PACKET).contains(&len) => Ok(len),
        _ => Err(CodecError::Length(n)),
    }
}

/// Splits one whole packet off the front of `buf`: `Ok(Some((packet, consumed)))`
/// where `packet` is the command byte and data, `Ok(None)` when more bytes are needed.
pub fn split_packet(buf: &[u8]) -> Result<Option<(&[u8], usize)>, CodecError> {
    let Some(prefix) = buf.first_chunk::<4>() else {
        return Ok(None);
    };
    let len = packet_len(*prefix)?;
    Ok(buf.get(4..4 + len).map(|p| (p, 4 + len)))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .and_then(|b| b.first_chunk::<4>())
        .map(|b| u32::from_be_bytes(*b))
}

/// Splits NUL-terminated strings; `None` when the data does not end with a NUL.
fn c_strings(data: &[u8]) -> Option<Vec<&[u8]>> {
    let rest = data.strip_suffix(&[0])?;
    Some(rest.split(|&b| b == 0).collect())
}

/// Decodes a command packet (command byte + data).
pub fn decode_command(packet: &[u8]) -> Result<Command, CodecError> {
    let (&command, data) = packet.split_first().ok_or(CodecError::Length(0))?;
    let malformed = |why| CodecError::Malformed { command, why };
    Ok(match command {
        cmd::OPTNEG => Command::OptNeg {
            version: be32(data, 0).ok_or_else(|| malformed("shorter than 12 bytes"))?,
            actions: be32(data, 4).ok_or_else(|| malformed("shorter than 12 bytes"))?,
            protocol: be32(data, 8).ok_or_else(|| malformed("shorter than 12 bytes"))?,
        },
        cmd::MACRO => {
            let (&stage, rest) = data
                .split_first()
                .ok_or_else(|| malformed("no command byte"))?;
            let strings = if rest.is_empty() {
                Vec::new()
            } else {
                c_strings(rest).ok_or_else(|| malformed("not NUL-terminated"))?
            };
            let pairs = strings
                .chunks_exact(2)
                .map(|p| (p[0].to_vec(), p[1].to_vec()))
                .collect();
            Command::Macro { stage, pairs }
        }
        cmd::CONNECT | cmd::HELO | cmd::MAIL | cmd::RCPT | cmd::DATA | cmd::UNKNOWN => {
            Command::Stage {
                command,
                data: data.to_vec(),
            }
        }
        cmd::HEADER => {
            let strings = c_strings(data).ok_or_else(|| malformed("not NUL-terminated"))?;
            match strings.as_slice() {
                [name, value] => Command::Header {
                    name: name.to_vec(),
                    value: value.to_vec(),
                },
                _ => return Err(malformed("not a name and a value")),
            }
        }
        cmd::EOH => Command::EndOfHeaders,
        cmd::BODY => Command::Body(data.to_vec()),
        cmd::BODYEOB => Command::EndOfBody(data.to_vec()),
        cmd::ABORT => Command::Abort,
        cmd::QUIT => Command::Quit,
        cmd::QUIT_NC => Command::QuitNewConnection,
        other => return Err(CodecError::UnknownCommand(other)),
    })
}

fn frame(out: &mut Vec<u8>, command: u8, parts: &[&[u8]]) {
    let len: usize = 1 + parts.iter().map(|p| p.len()).sum::<usize>();
    // Every caller's data is bounded far below 4 GiB.
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    out.push(command);
    for p in parts {
        out.extend_from_slice(p);
    }
}

/// Appends the encoded reply to `out`.
pub fn encode_reply(r: &Reply, out: &mut Vec<u8>) {
    match r {
        Reply::OptNeg {
            version,
            actions,
            protocol,
        } => frame(
            out,
            reply::OPTNEG,
            &[
                &version.to_be_bytes(),
                &actions.to_be_bytes(),
                &protocol.to_be_bytes(),
            ],
        ),
        Reply::Continue => frame(out, reply::CONTINUE, &[]),
        Reply::Accept => frame(out, reply::ACCEPT, &[]),
        Reply::Skip => frame(out, reply::SKIP, &[]),
        Reply::Tempfail => frame(out, reply::TEMPFAIL, &[]),
        Reply::ChangeHeader { index, name, value } => frame(
            out,
            reply::CHGHEADER,
            &[&index.to_be_bytes(), name, &[0], value, &[0]],
        ),
        Reply::AddHeader { name, value } => {
            frame(out, reply::ADDHEADER, &[name, &[0], value, &[0]])
        }
        Reply::InsertHeader { index, name, value } => frame(
            out,
            reply::INSHEADER,
            &[&index.to_be_bytes(), name, &[0], value, &[0]],
        ),
        Reply::ReplaceBody(chunk) => frame(out, reply::REPLBODY, &[chunk]),
    }
}

/// Appends the encoded command to `out` (the MTA side, for tests and tools).
pub fn encode_command(c: &Command, out: &mut Vec<u8>) {
    match c {
        Command::OptNeg {
            version,
            actions,
            protocol,
        } => frame(
            out,
            cmd::OPTNEG,
            &[
                &version.to_be_bytes(),
                &actions.to_be_bytes(),
                &protocol.to_be_bytes(),
            ],
        ),
        Command::Macro { stage, pairs } => {
            let mut data = vec![*stage];
            for (n, v) in pairs {
                data.extend_from_slice(n);
                data.push(0);
                data.extend_from_slice(v);
                data.push(0);
            }
            frame(out, cmd::MACRO, &[&data]);
        }
        Command::Stage { command, data } => frame(out, *command, &[data]),
        Command::Header { name, value } => frame(out, cmd::HEADER, &[name, &[0], value, &[0]]),
        Command::EndOfHeaders => frame(out, cmd::EOH, &[]),
        Command::Body(b) => frame(out, cmd::BODY, &[b]),
        Command::EndOfBody(b) => frame(out, cmd::BODYEOB, &[b]),
        Command::Abort => frame(out, cmd::ABORT, &[]),
        Command::Quit => frame(out, cmd::QUIT, &[]),
        Command::QuitNewConnection => frame(out, cmd::QUIT_NC, &[]),
    }
}

/// Decodes a reply packet (the MTA side, for tests and tools).
pub fn decode_reply(packet: &[u8]) -> Result<Reply, CodecError> {
    let (&command, data) = packet.split_first().ok_or(CodecError::Length(0))?;
    let malformed = |why| CodecError::Malformed { command, why };
    let name_value = |data: &[u8]| -> Result<(Vec<u8>, Vec<u8>), CodecError> {
        let strings = c_strings(data).ok_or_else(|| malformed("not NUL-terminated"))?;
        match strings.as_slice() {
            [n, v] => Ok((n.to_vec(), v.to_vec())),
            _ => Err(malformed("not a name and a value")),
        }
    };
    Ok(match command {
        reply::OPTNEG => Reply::OptNeg {
            version: be32(data, 0).ok_or_else(|| malformed("shorter than 12 bytes"))?,
            actions: be32(data, 4).ok_or_else(|| malformed("shorter than 12 bytes"))?,
            protocol: be32(data, 8).ok_or_else(|| malformed("shorter than 12 bytes"))?,
        },
        reply::CONTINUE => Reply::Continue,
        reply::ACCEPT => Reply::Accept,
        reply::SKIP => Reply::Skip,
        reply::TEMPFAIL => Reply::Tempfail,
        reply::CHGHEADER | reply::INSHEADER => {
            let index = be32(data, 0).ok_or_else(|| malformed("no index"))?;
            let (name, value) = name_value(data.get(4..).unwrap_or_default())?;
            if command == reply::CHGHEADER {
                Reply::ChangeHeader { index, name, value }
            } else {
                Reply::InsertHeader { index, name, value }
            }
        }
        reply::ADDHEADER => {
            let (name, value) = name_value(data)?;
            Reply::AddHeader { name, value }
        }
        reply::REPLBODY => Reply::ReplaceBody(data.to_vec()),
        other => return Err(CodecError::UnknownCommand(other)),
    })
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
