//! The milter's network side: a TCP or unix-socket listener, one tokio task per
//! connection (bounded by `--max-connections`), the transform on the blocking pool,
//! and a graceful stop on SIGTERM/SIGINT. A connection's failure (a malformed packet,
//! a peer that goes away, an idle timeout, even a panic) ends that connection only;
//! the MTA then applies its `milter_default_action`.

use super::codec::{decode_command, encode_reply, packet_len, CodecError, Reply};
use super::rewrite::{end_of_message, Decision};
use super::session::{Session, Step};
use super::ListenSpec;
use crate::common::log_line;
use imip_bridge::Options;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How long a stop waits for open connections before closing them.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// What every connection shares.
#[derive(Debug, Clone)]
pub struct Config {
    /// Transform options (profile, limits).
    pub opts: Options,
    /// Messages over this many bytes pass unchanged.
    pub size_limit: usize,
    /// A connection silent for this long is closed.
    pub idle_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
}

/// A bound listening socket.
#[derive(Debug)]
pub enum Listener {
    /// TCP.
    Tcp(TcpListener),
    /// Unix domain socket; the path is removed when the listener stops.
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Binds `spec`; a unix socket gets file mode `mode`. A stale unix socket (nobody
    /// accepting on it) is replaced; a live one or another file is an error.
    pub async fn bind(spec: &ListenSpec, mode: u32) -> io::Result<Listener> {
        match spec {
            ListenSpec::Inet { host, port } => Ok(Listener::Tcp(
                TcpListener::bind((host.as_str(), *port)).await?,
            )),
            ListenSpec::Unix(path) => {
                if let Ok(meta) = std::fs::symlink_metadata(path) {
                    use std::os::unix::fs::FileTypeExt;
                    if !meta.file_type().is_socket() {
                        return Err(io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("{} exists and is not a socket", path.display()),
                        ));
                    }
                    if tokio::net::UnixStream::connect(path).await.is_ok() {
                        return Err(io::Error::new(
                            io::ErrorKind::AddrInUse,
                            format!("another process is listening on {}", path.display()),
                        ));
                    }
                    std::fs::remove_file(path)?;
                }
                let listener = UnixListener::bind(path)?;
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
                Ok(Listener::Unix(listener, path.clone()))
            }
        }
    }

    /// The socket actually bound, as a listen spec (with the real port).
    pub fn local_spec(&self) -> String {
        match self {
            Listener::Tcp(l) => match l.local_addr() {
                Ok(a) => ListenSpec::Inet {
                    host: a.ip().to_string(),
                    port: a.port(),
                }
                .to_string(),
                Err(_) => "inet:?".to_owned(),
            },
            Listener::Unix(_, p) => ListenSpec::Unix(p.clone()).to_string(),
        }
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Accepts connections until `shutdown` resolves, then gives open connections
/// [`STOP_GRACE`] to finish.
pub async fn serve(listener: Listener, config: Arc<Config>, shutdown: impl Future<Output = ()>) {
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mut tasks = JoinSet::new();
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            a = accept(&listener) => a,
        };
        match accepted {
            Ok(stream) => {
                next_id += 1;
                let id = next_id;
                let config = Arc::clone(&config);
                tasks.spawn(async move {
                    let _permit = permit;
                    match stream {
                        Stream::Tcp(s) => serve_connection(s, &config, id).await,
                        Stream::Unix(s) => serve_connection(s, &config, id).await,
                    }
                });
            }
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                eprintln!("imip-bridge milter: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        while let Some(done) = tasks.try_join_next() {
            report_task_end(done);
        }
    }
    if let Listener::Unix(_, path) = &listener {
        let _ = std::fs::remove_file(path);
    }
    drop(listener);
    let drained = tokio::time::timeout(STOP_GRACE, async {
        while let Some(done) = tasks.join_next().await {
            report_task_end(done);
        }
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "imip-bridge milter: closing {} connection(s) still open after {}s",
            tasks.len(),
            STOP_GRACE.as_secs()
        );
        tasks.abort_all();
    }
}

fn report_task_end(done: Result<(), tokio::task::JoinError>) {
    if let Err(e) = done {
        if e.is_panic() {
            eprintln!("imip-bridge milter: a connection ended by a panic (already logged)");
        }
    }
}

enum Stream {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> io::Result<Stream> {
    match listener {
        Listener::Tcp(l) => {
            let (s, _) = l.accept().await?;
            let _ = s.set_nodelay(true);
            Ok(Stream::Tcp(s))
        }
        Listener::Unix(l, _) => Ok(Stream::Unix(l.accept().await?.0)),
    }
}

/// Why a connection ended early.
#[derive(Debug)]
enum ConnError {
    Io(io::Error),
    Codec(CodecError),
    Idle(Duration),
}

impl std::fmt::Display for ConnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnError::Io(e) => write!(f, "{e}"),
            ConnError::Codec(e) => write!(f, "{e}"),
            ConnError::Idle(d) => write!(f, "idle for {}s", d.as_secs()),
        }
    }
}

impl From<io::Error> for ConnError {
    fn from(e: io::Error) -> Self {
        ConnError::Io(e)
    }
}

impl From<CodecError> for ConnError {
    fn from(e: CodecError) -> Self {
        ConnError::Codec(e)
    }
}

/// Serves one connection to the end; logs why it ended when that was an error.
pub async fn serve_connection<S>(stream: S, config: &Config, id: u64)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    if let Err(e) = converse(stream, config, id).await {
        eprintln!("imip-bridge milter: conn={id} closed: {e}");
    }
}

async fn converse<S>(stream: S, config: &Config, id: u64) -> Result<(), ConnError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let (r, w) = tokio::io::split(stream);
    let mut reader = BufReader::new(r);
    let mut writer = BufWriter::new(w);
    let mut session = Session::new(config.size_limit);
    let mut out = Vec::new();
    loop {
        let packet = match tokio::time::timeout(config.idle_timeout, read_packet(&mut reader)).await
        {
            Err(_) => return Err(ConnError::Idle(config.idle_timeout)),
            Ok(read) => match read? {
                Some(p) => p,
                None => return Ok(()), // the MTA closed the connection
            },
        };
        let step = session.handle(decode_command(&packet)?);
        let replies = match step {
            Step::Reply(replies) => replies,
            Step::Close(None) => return Ok(()),
            Step::Close(Some(why)) => {
                return Err(ConnError::Io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    why,
                )))
            }
            Step::EndOfMessage(message) => {
                let started = Instant::now();
                let Some(negotiated) = session.negotiated() else {
                    return Ok(()); // unreachable: the session refuses a body first
                };
                let queue_id = message.queue_id.clone();
                let opts = config.opts.clone();
                let decision = tokio::task::spawn_blocking(move || {
                    end_of_message(&message, &negotiated, &opts)
                })
                .await
                .unwrap_or_else(|_| Decision {
                    replies: vec![Reply::Continue],
                    message_id: "-".to_owned(),
                    what: "disposition=unchanged reason=internal_error".to_owned(),
                    size: 0,
                });
                let prefix = format!("conn={id} qid={}", queue_id.as_deref().unwrap_or("-"));
                eprintln!(
                    "{}",
                    log_line(
                        "milter",
                        &prefix,
                        &decision.message_id,
                        &decision.what,
                        decision.size as u64,
                        started.elapsed()
                    )
                );
                decision.replies
            }
        };
        if !replies.is_empty() {
            out.clear();
            for r in &replies {
                encode_reply(r, &mut out);
            }
            writer.write_all(&out).await?;
            writer.flush().await?;
        }
    }
}

/// Reads one packet (command byte + data); `None` at a clean end of stream.
async fn read_packet<R: AsyncRead + Unpin>(r: &mut R) -> Result<Option<Vec<u8>>, ConnError> {
    let mut prefix = [0u8; 4];
    if r.read(&mut prefix[..1]).await? == 0 {
        return Ok(None);
    }
    r.read_exact(&mut prefix[1..]).await?;
    let len = packet_len(prefix)?;
    let mut packet = vec![0u8; len];
    r.read_exact(&mut packet).await?;
    Ok(Some(packet))
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
