//! The MTA side of the milter protocol, minimal: enough to negotiate, send one
//! message the way Postfix does (header fields, end of headers, body chunks of at most
//! 65,535 bytes with CRLF line ends, end of body) and collect the filter's replies.
//! The tests drive the milter with it; it also serves to probe a running milter.

use super::codec::{
    action, cmd, decode_reply, encode_command, packet_len, CodecError, Command, Reply,
    MAX_BODY_CHUNK, VERSION,
};
use super::session::Field;
use crate::common::split_head;
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Every action and every protocol flag, as an MTA offers them.
pub const OFFER_ACTIONS: u32 = 0x1ff;
/// Every protocol flag up to SMFIP_HDR_LEADSPC.
pub const OFFER_PROTOCOL: u32 = 0x1f_ffff;

/// A client connection to a milter.
pub struct Mta<S> {
    stream: S,
    /// The protocol flags the filter chose in OPTNEG.
    pub protocol: u32,
    /// The actions the filter chose in OPTNEG.
    pub actions: u32,
}

fn protocol_error(e: CodecError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl<S: AsyncRead + AsyncWrite + Unpin> Mta<S> {
    /// Wraps a connected stream.
    pub fn new(stream: S) -> Mta<S> {
        Mta {
            stream,
            protocol: 0,
            actions: 0,
        }
    }

    /// Sends one command.
    pub async fn send(&mut self, c: &Command) -> io::Result<()> {
        let mut wire = Vec::new();
        encode_command(c, &mut wire);
        self.stream.write_all(&wire).await?;
        self.stream.flush().await
    }

    /// Sends raw bytes (for malformed-packet tests).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await
    }

    /// Reads one reply; `None` when the filter closed the connection.
    pub async fn recv(&mut self) -> io::Result<Option<Reply>> {
        let mut prefix = [0u8; 4];
        if self.stream.read(&mut prefix[..1]).await? == 0 {
            return Ok(None);
        }
        self.stream.read_exact(&mut prefix[1..]).await?;
        let len = packet_len(prefix).map_err(protocol_error)?;
        let mut packet = vec![0u8; len];
        self.stream.read_exact(&mut packet).await?;
        decode_reply(&packet).map(Some).map_err(protocol_error)
    }

    async fn expect(&mut self) -> io::Result<Reply> {
        self.recv().await?.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the milter closed the connection",
            )
        })
    }

    /// Negotiates, offering `actions` and `protocol`; returns the filter's answer.
    pub async fn negotiate(&mut self, actions: u32, protocol: u32) -> io::Result<Reply> {
        self.send(&Command::OptNeg {
            version: VERSION,
            actions,
            protocol,
        })
        .await?;
        let reply = self.expect().await?;
        if let Reply::OptNeg {
            actions, protocol, ..
        } = reply
        {
            self.actions = actions;
            self.protocol = protocol;
        }
        Ok(reply)
    }

    async fn step(&mut self, c: &Command, no_reply_flag: u32, skip_flag: u32) -> io::Result<()> {
        if self.protocol & skip_flag != 0 {
            return Ok(());
        }
        self.send(c).await?;
        if self.protocol & no_reply_flag == 0 {
            match self.expect().await? {
                Reply::Continue => {}
                other => {
                    return Err(io::Error::other(format!(
                        "unexpected reply {other:?} to {c:?}"
                    )))
                }
            }
        }
        Ok(())
    }

    /// Sends the SMTP stages and one message (`raw`, any line ends) and returns the
    /// replies to end of body: the edits and the final decision.
    pub async fn message(&mut self, raw: &[u8]) -> io::Result<Vec<Reply>> {
        use super::codec::proto as p;
        let stage = |command: u8, data: &[u8]| Command::Stage {
            command,
            data: data.to_vec(),
        };
        self.step(
            &stage(
                cmd::CONNECT,
                b"client.example\x004\x00\x30\x39192.0.2.1\x00",
            ),
            p::NR_CONN,
            p::NOCONNECT,
        )
        .await?;
        self.step(
            &stage(cmd::HELO, b"client.example\0"),
            p::NR_HELO,
            p::NOHELO,
        )
        .await?;
        self.step(
            &stage(cmd::MAIL, b"<anna@example.com>\0"),
            p::NR_MAIL,
            p::NOMAIL,
        )
        .await?;
        self.step(
            &stage(cmd::RCPT, b"<bob@example.com>\0"),
            p::NR_RCPT,
            p::NORCPT,
        )
        .await?;
        self.step(&stage(cmd::DATA, b""), p::NR_DATA, p::NODATA)
            .await?;
        let head = split_head(raw);
        for (name, value) in &head.fields {
            let value = header_value(value);
            let c = Command::Header {
                name: name.to_vec(),
                value,
            };
            self.step(&c, p::NR_HDR, p::NOHDRS).await?;
        }
        self.step(&Command::EndOfHeaders, p::NR_EOH, p::NOEOH)
            .await?;
        let body = crlf(raw.get(head.body_start..).unwrap_or_default());
        if self.protocol & p::NOBODY == 0 {
            for chunk in body.chunks(MAX_BODY_CHUNK) {
                self.send(&Command::Body(chunk.to_vec())).await?;
                if self.protocol & p::NR_BODY == 0 {
                    match self.expect().await? {
                        Reply::Continue => {}
                        Reply::Skip => break,
                        other => {
                            return Err(io::Error::other(format!(
                                "unexpected reply {other:?} to a body chunk"
                            )))
                        }
                    }
                }
            }
        }
        self.send(&Command::Macro {
            stage: cmd::BODYEOB,
            pairs: vec![(b"i".to_vec(), b"TESTQID".to_vec())],
        })
        .await?;
        self.send(&Command::EndOfBody(Vec::new())).await?;
        let mut replies = Vec::new();
        loop {
            let r = self.expect().await?;
            let last = matches!(r, Reply::Continue | Reply::Accept | Reply::Tempfail);
            replies.push(r);
            if last {
                return Ok(replies);
            }
        }
    }

    /// Sends SMFIC_QUIT.
    pub async fn quit(&mut self) -> io::Result<()> {
        self.send(&Command::Quit).await
    }
}

/// The actions a rewriting filter needs.
pub const REWRITE_ACTIONS: u32 = action::ADDHDRS | action::CHGBODY | action::CHGHDRS;

/// What an MTA makes of `raw` after the filter's `replies` (libmilter semantics:
/// SMFIR_CHGHEADER replaces the n-th field of a name, deletes it with an empty value,
/// appends when there is no n-th; SMFIR_ADDHEADER appends; SMFIR_REPLBODY chunks make
/// the new body). The result has CRLF line ends.
pub fn apply(raw: &[u8], replies: &[Reply]) -> Vec<u8> {
    let head = split_head(raw);
    let mut headers: Vec<Field> = head
        .fields
        .iter()
        .map(|(n, v)| (n.to_vec(), header_value(v)))
        .collect();
    let mut body: Option<Vec<u8>> = None;
    for r in replies {
        match r {
            Reply::ChangeHeader { index, name, value } => {
                let at = headers
                    .iter()
                    .enumerate()
                    .filter(|(_, (n, _))| n.eq_ignore_ascii_case(name))
                    .nth((*index as usize).saturating_sub(1))
                    .map(|(i, _)| i);
                match (at, value.is_empty()) {
                    (Some(i), true) => {
                        headers.remove(i);
                    }
                    (Some(i), false) => {
                        if let Some(h) = headers.get_mut(i) {
                            *h = (name.clone(), value.clone());
                        }
                    }
                    (None, true) => {}
                    (None, false) => headers.push((name.clone(), value.clone())),
                }
            }
            Reply::AddHeader { name, value } => headers.push((name.clone(), value.clone())),
            Reply::InsertHeader { index, name, value } => {
                let at = (*index as usize).min(headers.len());
                headers.insert(at, (name.clone(), value.clone()));
            }
            Reply::ReplaceBody(chunk) => body.get_or_insert_with(Vec::new).extend(chunk),
            _ => {}
        }
    }
    let message = super::session::Message {
        headers,
        body: body.unwrap_or_else(|| crlf(raw.get(head.body_start..).unwrap_or_default())),
        ..Default::default()
    };
    super::rewrite::assemble(&message)
}

/// A header value as an MTA sends it: without the blank after the colon, folds as LF.
fn header_value(raw: &[u8]) -> Vec<u8> {
    super::rewrite::normalise(raw)
}

/// `text` with CRLF line ends.
pub fn crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32);
    super::rewrite::push_crlf(&mut out, text);
    out
}
