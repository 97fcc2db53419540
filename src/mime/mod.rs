//! MIME ingest.
pub mod charset;
pub mod encoded_word;
pub mod transfer;
