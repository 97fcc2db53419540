//! The `imip-bridge milter` binary: listens where told, serves the in-process MTA
//! over TCP and a unix socket, and stops cleanly on SIGTERM.

use imip_bridge_cli::milter::codec::Reply;
use imip_bridge_cli::milter::mta::{self, Mta, OFFER_ACTIONS, OFFER_PROTOCOL};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_imip-bridge");

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Starts the milter; returns the child, the bound socket as logged, and the rest of
/// its stderr (read on a thread).
fn start(args: &[&str]) -> (Child, String, std::thread::JoinHandle<String>) {
    let mut child = Command::new(BIN)
        .arg("milter")
        .args(args)
        .env_remove("IMIP_BRIDGE_LISTEN")
        .env_remove("IMIP_BRIDGE_PROFILE")
        .env_remove("IMIP_BRIDGE_SIZE_LIMIT")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let spec = first
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let rest = std::thread::spawn(move || {
        let mut s = String::new();
        for line in stderr.lines() {
            s.push_str(&line.unwrap());
            s.push('\n');
        }
        s
    });
    (child, spec, rest)
}

fn terminate(mut child: Child) -> Option<i32> {
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the milter did not stop on SIGTERM");
}

async fn exchange<S>(stream: S) -> (Vec<Reply>, Vec<Reply>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut client = Mta::new(stream);
    client
        .negotiate(OFFER_ACTIONS, OFFER_PROTOCOL)
        .await
        .unwrap();
    let invite = client
        .message(&fixture("entourage/vx_request_attachment.eml"))
        .await
        .unwrap();
    let plain = client
        .message(&fixture("plain/no_calendar.eml"))
        .await
        .unwrap();
    client.quit().await.unwrap();
    (invite, plain)
}

fn check(invite: &[Reply], plain: &[Reply]) {
    let result = String::from_utf8(mta::apply(
        &fixture("entourage/vx_request_attachment.eml"),
        invite,
    ))
    .unwrap();
    assert!(result.contains("Content-Class: urn:content-classes:calendarmessage\r\n"));
    assert!(result.contains("X-MICROSOFT-CDO-BUSYSTATUS:"));
    assert_eq!(plain, [Reply::Continue]);
}

#[test]
fn serves_tcp_and_stops_on_sigterm() {
    let (child, spec, rest) = start(&["--listen", "inet:127.0.0.1:0"]);
    let addr = spec.strip_prefix("inet:").unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (invite, plain) =
        rt.block_on(async { exchange(tokio::net::TcpStream::connect(&addr).await.unwrap()).await });
    check(&invite, &plain);
    assert_eq!(terminate(child), Some(0));
    let log = rest.join().unwrap();
    assert!(
        log.contains("qid=TESTQID message-id=<BB8CA78F.1F4A%anna@example.com> disposition=rewritten method=REQUEST"),
        "{log}"
    );
    assert!(
        log.contains("disposition=unchanged reason=no_calendar"),
        "{log}"
    );
    assert!(log.contains("imip-bridge milter: stopped"), "{log}");
}

#[test]
fn serves_a_unix_socket_and_removes_it() {
    let dir = std::env::temp_dir().join(format!("imip-milter-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.sock");
    let listen = format!("unix:{}", path.display());
    let (child, spec, rest) = start(&["--listen", &listen, "--profile", "standard"]);
    assert_eq!(spec, listen);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (invite, plain) = rt
        .block_on(async { exchange(tokio::net::UnixStream::connect(&path).await.unwrap()).await });
    let result = String::from_utf8(mta::apply(
        &fixture("entourage/vx_request_attachment.eml"),
        &invite,
    ))
    .unwrap();
    assert!(result.contains("method=REQUEST"));
    assert!(!result.contains("Content-Class"), "standard profile");
    assert_eq!(plain, [Reply::Continue]);
    assert_eq!(terminate(child), Some(0));
    rest.join().unwrap();
    assert!(!path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cannot_listen_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["milter", "--listen", "unix:/nonexistent-dir/x.sock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(71));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("cannot listen on unix:/nonexistent-dir/x.sock"));
    let out = Command::new(BIN)
        .args(["milter", "--listen", "tcp:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
