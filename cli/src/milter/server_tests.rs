//! Whole sessions against the in-process MTA of `mta.rs`, over in-memory pipes and
//! over real TCP connections.

use super::*;
use crate::common::{mail_options, ProfileArg, DEFAULT_SIZE_LIMIT};
use crate::milter::codec::{proto, Command};
use crate::milter::mta::{self, Mta, OFFER_ACTIONS, OFFER_PROTOCOL, REWRITE_ACTIONS};
use crate::milter::session::WANTED_PROTOCOL;
use imip_bridge::Disposition;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn config(size_limit: usize) -> Arc<Config> {
    Arc::new(Config {
        opts: mail_options(ProfileArg::Outlook, size_limit),
        size_limit,
        idle_timeout: Duration::from_secs(30),
        max_connections: 64,
    })
}

/// A milter session over an in-memory pipe; returns the MTA end.
fn pipe_session(config: Arc<Config>) -> Mta<tokio::io::DuplexStream> {
    let (mta_end, milter_end) = tokio::io::duplex(256 * 1024);
    tokio::spawn(async move { serve_connection(milter_end, &config, 1).await });
    Mta::new(mta_end)
}

fn header_names(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .filter_map(|r| match r {
            Reply::AddHeader { name, .. } | Reply::ChangeHeader { name, .. } => {
                Some(String::from_utf8_lossy(name).to_ascii_lowercase())
            }
            _ => None,
        })
        .collect()
}

fn assert_rewritten(raw: &[u8], replies: &[Reply]) {
    assert_eq!(replies.last(), Some(&Reply::Continue));
    let names = header_names(replies);
    for h in ["content-type", "content-class", "x-imip-bridge"] {
        assert!(names.contains(&h.to_owned()), "{h} missing from {names:?}");
    }
    let result = mta::apply(raw, replies);
    let text = String::from_utf8_lossy(&result);
    assert!(text.contains("Content-Class: urn:content-classes:calendarmessage\r\n"));
    assert!(text.contains("method=REQUEST"));
    assert!(text.contains("\r\nMETHOD:REQUEST\r\n"));
    assert!(text.contains("X-MICROSOFT-CDO-BUSYSTATUS:"));
    // What the MTA ends up with is canonical: a second pass changes nothing.
    let again = imip_bridge::transform(
        &result,
        &mail_options(ProfileArg::Outlook, DEFAULT_SIZE_LIMIT),
    )
    .unwrap();
    assert_eq!(
        again.disposition,
        Disposition::Unchanged,
        "{}",
        again.report_json()
    );
}

#[tokio::test]
async fn whole_session_with_all_flags_offered() {
    let mut mta = pipe_session(config(DEFAULT_SIZE_LIMIT));
    let reply = mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    assert_eq!(
        reply,
        Reply::OptNeg {
            version: 6,
            actions: REWRITE_ACTIONS,
            protocol: WANTED_PROTOCOL,
        }
    );
    // An invitation is rewritten ...
    let invite = fixture("entourage/vx_request_attachment.eml");
    let replies = mta.message(&invite).await.unwrap();
    assert_rewritten(&invite, &replies);
    // ... a plain message on the same connection is left alone ...
    let plain = fixture("plain/no_calendar.eml");
    assert_eq!(mta.message(&plain).await.unwrap(), vec![Reply::Continue]);
    // ... and QUIT closes the connection.
    mta.quit().await.unwrap();
    assert_eq!(mta.recv().await.unwrap(), None);
}

#[tokio::test]
async fn whole_session_answering_every_step() {
    // An MTA that offers no protocol flags gets a reply to every command.
    let mut mta = pipe_session(config(DEFAULT_SIZE_LIMIT));
    let reply = mta.negotiate(REWRITE_ACTIONS, 0).await.unwrap();
    assert_eq!(
        reply,
        Reply::OptNeg {
            version: 6,
            actions: REWRITE_ACTIONS,
            protocol: 0,
        }
    );
    let invite = fixture("entourage/vx_request_attachment.eml");
    let replies = mta.message(&invite).await.unwrap();
    assert_rewritten(&invite, &replies);
}

#[tokio::test]
async fn abort_forgets_the_message() {
    let mut mta = pipe_session(config(DEFAULT_SIZE_LIMIT));
    mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    let invite = fixture("entourage/vx_request_attachment.eml");
    let head = crate::common::split_head(&invite);
    for (name, value) in head.fields.iter().take(5) {
        mta.send(&Command::Header {
            name: name.to_vec(),
            value: value.trim_ascii_start().to_vec(),
        })
        .await
        .unwrap();
    }
    mta.send(&Command::Abort).await.unwrap();
    let plain = fixture("plain/no_calendar.eml");
    assert_eq!(mta.message(&plain).await.unwrap(), vec![Reply::Continue]);
    let replies = mta.message(&invite).await.unwrap();
    assert_rewritten(&invite, &replies);
}

#[tokio::test]
async fn oversize_message_is_skipped_and_passed() {
    let mut mta = pipe_session(config(2_000));
    mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    assert!(mta.protocol & proto::SKIP != 0);
    let invite = fixture("entourage/vx_request_attachment.eml");
    assert!(invite.len() > 2_000);
    assert_eq!(mta.message(&invite).await.unwrap(), vec![Reply::Continue]);
    // The next, small message on the connection is handled normally.
    let small = b"From: a@example.com\nSubject: hi\n\nhello\n";
    assert_eq!(mta.message(small).await.unwrap(), vec![Reply::Continue]);
}

#[tokio::test]
async fn malformed_packets_close_the_connection() {
    let cases: Vec<Vec<u8>> = vec![
        vec![0xff, 0xff, 0xff, 0xff], // length far over the limit
        vec![0, 0, 0, 0],             // zero length
        b"\0\0\0\x01z".to_vec(),      // unknown command
        b"\0\0\0\x05Lname".to_vec(),  // header without NULs
        b"\0\0\0\x02O\0".to_vec(),    // short OPTNEG
    ];
    for bytes in cases {
        let mut mta = pipe_session(config(DEFAULT_SIZE_LIMIT));
        mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
        mta.send_raw(&bytes).await.unwrap();
        assert_eq!(mta.recv().await.unwrap(), None, "{bytes:?}");
    }
    // A body before negotiation is out of place.
    let mut mta = pipe_session(config(DEFAULT_SIZE_LIMIT));
    mta.send(&Command::Body(b"x".to_vec())).await.unwrap();
    assert_eq!(mta.recv().await.unwrap(), None);
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let config = Arc::new(Config {
        idle_timeout: Duration::from_millis(100),
        ..Arc::unwrap_or_clone(config(DEFAULT_SIZE_LIMIT))
    });
    let mut mta = pipe_session(config);
    mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), mta.recv()).await;
    assert_eq!(closed.unwrap().unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_connections_at_once_and_one_bad_one() {
    let listener = Listener::bind(
        &ListenSpec::Inet {
            host: "127.0.0.1".into(),
            port: 0,
        },
        0o600,
    )
    .await
    .unwrap();
    let Listener::Tcp(tcp) = &listener else {
        unreachable!()
    };
    let addr = tcp.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, config(DEFAULT_SIZE_LIMIT), async {
        let _ = stop_rx.await;
    }));

    let invite = Arc::new(fixture("entourage/vx_request_attachment.eml"));
    let plain = Arc::new(fixture("plain/no_calendar.eml"));
    let mut clients = Vec::new();
    for i in 0..48 {
        let (invite, plain) = (Arc::clone(&invite), Arc::clone(&plain));
        clients.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut mta = Mta::new(stream);
            mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
            if i % 8 == 3 {
                // A broken client in the middle of the crowd.
                mta.send_raw(b"\0\0\0\x01?").await.unwrap();
                assert_eq!(mta.recv().await.unwrap(), None);
                return;
            }
            for _ in 0..3 {
                let replies = mta.message(&invite).await.unwrap();
                assert_rewritten(&invite, &replies);
                assert_eq!(mta.message(&plain).await.unwrap(), vec![Reply::Continue]);
            }
            mta.quit().await.unwrap();
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    // A client that vanishes mid-message does not disturb the server either.
    {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut mta = Mta::new(stream);
        mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
        mta.send(&Command::Body(b"half a message".to_vec()))
            .await
            .unwrap();
    }
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut mta = Mta::new(stream);
    mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    assert_rewritten(&invite, &mta.message(&invite).await.unwrap());
    mta.quit().await.unwrap();

    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn unix_socket_listener_replaces_a_stale_socket() {
    let dir = std::env::temp_dir().join(format!("imip-milter-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("milter.sock");
    // A stale socket file from an earlier run.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let spec = ListenSpec::Unix(path.clone());
    let listener = Listener::bind(&spec, 0o660).await.unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    // A live one is not taken over.
    assert!(Listener::bind(&spec, 0o660).await.is_err());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, config(DEFAULT_SIZE_LIMIT), async {
        let _ = stop_rx.await;
    }));
    let mut mta = Mta::new(tokio::net::UnixStream::connect(&path).await.unwrap());
    mta.negotiate(OFFER_ACTIONS, OFFER_PROTOCOL).await.unwrap();
    let invite = fixture("entourage/vx_request_attachment.eml");
    assert_rewritten(&invite, &mta.message(&invite).await.unwrap());
    mta.quit().await.unwrap();
    let _ = stop_tx.send(());
    server.await.unwrap();
    assert!(!path.exists(), "the socket is removed at the end");
    let _ = std::fs::remove_dir_all(&dir);
}
