//! The Outlook profile.
pub mod thread_index;
