//! `imip-bridge milter`: a milter (Sendmail/Postfix milter protocol 6) that repairs
//! calendar messages at end of message by replacing their MIME header fields and body,
//! and passes every other message untouched.
//!
//! Layout: [`codec`] is the wire format, [`session`] one connection's state machine,
//! [`rewrite`] the end-of-message decision, [`server`] the tokio listener that runs
//! many connections at once. A connection that sends a malformed packet, an unknown
//! command or a packet over [`codec::MAX_PACKET`] is closed; the others carry on.

pub mod codec;
pub mod mta;
pub mod rewrite;
pub mod server;
pub mod session;

use crate::common::{mail_options, ProfileArg, DEFAULT_SIZE_LIMIT, EX_OSERR, EX_SOFTWARE};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Where the milter listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenSpec {
    /// `inet:HOST:PORT` (also `inet:PORT@HOST`, Sendmail's spelling; `[::1]` for IPv6).
    Inet {
        /// Host name or address.
        host: String,
        /// TCP port (0: any free port; the chosen one is logged).
        port: u16,
    },
    /// `unix:PATH` (also `local:PATH`).
    Unix(PathBuf),
}

impl FromStr for ListenSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<ListenSpec, String> {
        const EXPECTED: &str = "expected inet:HOST:PORT, inet:PORT@HOST or unix:PATH";
        let bad = |why: &str| format!("{why} in {s:?}: {EXPECTED}");
        let port = |p: &str| p.parse::<u16>().map_err(|_| bad("bad port"));
        if let Some(path) = s.strip_prefix("unix:").or_else(|| s.strip_prefix("local:")) {
            if path.is_empty() {
                return Err(bad("empty path"));
            }
            return Ok(ListenSpec::Unix(PathBuf::from(path)));
        }
        let Some(rest) = s.strip_prefix("inet:").or_else(|| s.strip_prefix("inet6:")) else {
            return Err(bad("unknown socket type"));
        };
        let (host, p) = if let Some((p, host)) = rest.split_once('@') {
            (host, p)
        } else {
            rest.rsplit_once(':').ok_or_else(|| bad("no port"))?
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        Ok(ListenSpec::Inet {
            host: host.to_owned(),
            port: port(p)?,
        })
    }
}

impl fmt::Display for ListenSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenSpec::Inet { host, port } if host.contains(':') => {
                write!(f, "inet:[{host}]:{port}")
            }
            ListenSpec::Inet { host, port } => write!(f, "inet:{host}:{port}"),
            ListenSpec::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

fn parse_mode(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s, 8)
        .ok()
        .filter(|m| *m <= 0o777)
        .ok_or_else(|| format!("{s:?} is not an octal file mode such as 660"))
}

/// Arguments of `imip-bridge milter`.
#[derive(clap::Args, Debug)]
pub struct MilterArgs {
    /// Socket to listen on: inet:HOST:PORT (e.g. inet:127.0.0.1:10025) or unix:PATH.
    #[arg(long, value_name = "SPEC", env = "IMIP_BRIDGE_LISTEN")]
    pub listen: ListenSpec,
    /// Output profile.
    #[arg(long, value_enum, env = "IMIP_BRIDGE_PROFILE", default_value_t = ProfileArg::Outlook)]
    pub profile: ProfileArg,
    /// Messages larger than this many bytes are passed unchanged; buffering stops at
    /// the limit.
    #[arg(long, value_name = "BYTES", env = "IMIP_BRIDGE_SIZE_LIMIT", default_value_t = DEFAULT_SIZE_LIMIT)]
    pub size_limit: usize,
    /// Most connections served at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Close a connection that sends nothing for this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub idle_timeout: u64,
    /// File mode of a unix socket (octal). The MTA's user must be able to connect.
    #[arg(long, value_name = "OCTAL", default_value = "660", value_parser = parse_mode)]
    pub socket_mode: u32,
}

/// Runs the milter until SIGTERM or SIGINT.
pub fn run(args: MilterArgs) -> ExitCode {
    crate::common::install_one_line_panic_hook("milter");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("imip-bridge milter: cannot start the runtime: {e}");
            return ExitCode::from(EX_SOFTWARE);
        }
    };
    let config = Arc::new(server::Config {
        opts: mail_options(args.profile, args.size_limit),
        size_limit: args.size_limit,
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        max_connections: args.max_connections as usize,
    });
    runtime.block_on(async move {
        let listener = match server::Listener::bind(&args.listen, args.socket_mode).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("imip-bridge milter: cannot listen on {}: {e}", args.listen);
                return ExitCode::from(EX_OSERR);
            }
        };
        eprintln!(
            "imip-bridge milter: listening on {} (profile {}, size limit {} bytes, up to {} connections)",
            listener.local_spec(),
            args.profile.profile().name(),
            args.size_limit,
            args.max_connections
        );
        server::serve(listener, config, server::shutdown_signal()).await;
        eprintln!("imip-bridge milter: stopped");
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_specs() {
        let inet = |h: &str, p| ListenSpec::Inet {
            host: h.to_owned(),
            port: p,
        };
        assert_eq!("inet:127.0.0.1:10025".parse(), Ok(inet("127.0.0.1", 10025)));
        assert_eq!("inet:10025@localhost".parse(), Ok(inet("localhost", 10025)));
        assert_eq!("inet:[::1]:8891".parse(), Ok(inet("::1", 8891)));
        assert_eq!(
            "unix:/run/imip.sock".parse(),
            Ok(ListenSpec::Unix("/run/imip.sock".into()))
        );
        assert_eq!("local:/x".parse(), Ok(ListenSpec::Unix("/x".into())));
        for bad in [
            "",
            "inet:",
            "inet:host",
            "inet::25",
            "inet:h:99999",
            "tcp:1",
            "unix:",
        ] {
            assert!(bad.parse::<ListenSpec>().is_err(), "{bad}");
        }
        assert_eq!(inet("::1", 1).to_string(), "inet:[::1]:1");
        assert_eq!(parse_mode("660"), Ok(0o660));
        assert!(parse_mode("999").is_err());
    }
}
