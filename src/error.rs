//! The one public error type. Detailed causes stay crate-private; callers match on
//! [`ErrorKind`] and log the message.

use std::fmt;

/// What went wrong, broadly. Stable: new kinds may be added (`#[non_exhaustive]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not an RFC 5322 message that can be parsed at all.
    Message,
    /// The message carries a calendar that cannot be repaired without guessing
    /// (only returned when [`crate::Options::strict`] is set).
    Unrepairable,
    /// A configured limit was exceeded (only returned when `strict` is set).
    Limit,
}

/// An error from [`crate::transform`].
///
/// Without [`crate::Options::strict`], `transform` never returns an error for bad
/// calendar content: it passes the message through unchanged and says why in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    code: &'static str,
    detail: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, code: &'static str, detail: impl Into<String>) -> Self {
        Error {
            kind,
            code,
            detail: detail.into(),
        }
    }

    /// The broad kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A stable snake_case code, the same as the matching report warning code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Human-readable detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for Error {}
