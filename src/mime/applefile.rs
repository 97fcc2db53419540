//! AppleSingle and AppleDouble header files (RFC 1740, `application/applefile`).
//!
//! This module owns the binary layout shared by both formats, versions 1 and 2: the
//! magic number, the version, the entry table and the entries this crate cares about
//! (data fork, real name, Finder info), plus a builder for tests and fixtures. It only
//! reads what the table points at; every entry must lie inside the input, the table is
//! limited to 64 entries, and it never panics or allocates more than the input size.
//! It must not interpret the data fork or resource fork, nor look at MIME headers.

/// Magic number of an AppleSingle file.
const MAGIC_SINGLE: u32 = 0x0005_1600;

/// Magic number of an AppleDouble header file.
const MAGIC_DOUBLE: u32 = 0x0005_1607;

/// Version 1 (1990 specification).
const VERSION_1: u32 = 0x0001_0000;

/// Version 2 (RFC 1740 era specification).
const VERSION_2: u32 = 0x0002_0000;

/// Size of magic, version, filler and entry count.
const HEADER_LEN: usize = 26;

/// Size of one entry descriptor (id, offset, length).
const ENTRY_LEN: usize = 12;

/// Most entries accepted in a table.
const MAX_ENTRIES: u16 = 64;

/// Entry id of the data fork.
const ID_DATA_FORK: u32 = 1;

/// Entry id of the real (original) file name.
const ID_REAL_NAME: u32 = 3;

/// Entry id of the Finder info (type, creator, flags, ...).
const ID_FINDER_INFO: u32 = 9;

/// Size of the Finder info entry written by [`build`] (FInfo and FXInfo).
const FINDER_INFO_LEN: usize = 32;

/// Which of the two formats a header file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppleKind {
    /// AppleSingle: everything, data fork included, in one file.
    Single,
    /// AppleDouble header: everything but the data fork, which travels separately.
    Double,
}

/// What this crate uses from an AppleSingle or AppleDouble file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppleFile {
    /// AppleSingle or AppleDouble.
    pub kind: AppleKind,
    /// The real name entry, decoded from MacRoman, trailing NULs removed.
    pub real_name: Option<String>,
    /// The data fork entry, present only when the file has one (AppleSingle).
    pub data_fork: Option<Vec<u8>>,
    /// Finder file type, from the Finder info entry.
    pub file_type: Option<[u8; 4]>,
    /// Finder creator code, from the Finder info entry.
    pub creator: Option<[u8; 4]>,
}

/// Why bytes are not a usable AppleSingle or AppleDouble file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppleFileError {
    /// The first four bytes are neither AppleSingle nor AppleDouble magic.
    #[error("not AppleSingle/AppleDouble: magic {0:#010x}")]
    BadMagic(u32),
    /// The version is neither 1 nor 2.
    #[error("unsupported AppleSingle/AppleDouble version {0:#010x}")]
    UnsupportedVersion(u32),
    /// The input ends inside the header or the entry table.
    #[error("AppleSingle/AppleDouble header or entry table is truncated")]
    Truncated,
    /// More than 64 entries are declared.
    #[error("AppleSingle/AppleDouble declares {0} entries, more than 64")]
    TooManyEntries(u16),
    /// An entry extends past the end of the input.
    #[error("AppleSingle/AppleDouble entry {id} at {offset}+{length} is outside the file")]
    EntryOutOfBounds {
        /// Entry id.
        id: u32,
        /// Declared offset.
        offset: u32,
        /// Declared length.
        length: u32,
    },
}

/// Parses an AppleSingle or AppleDouble (version 1 or 2) file.
///
/// The first entry with a given id wins; entries other than data fork, real name and
/// Finder info are bounds-checked and otherwise ignored. A Finder info entry shorter
/// than 8 bytes gives no type or creator.
///
/// # Errors
/// An [`AppleFileError`] for bad magic or version, a truncated header or table, more
/// than 64 entries, or an entry that extends past the input.
pub fn parse(bytes: &[u8]) -> Result<AppleFile, AppleFileError> {
    let magic = read_u32(bytes, 0).ok_or(AppleFileError::Truncated)?;
    let kind = match magic {
        MAGIC_SINGLE => AppleKind::Single,
        MAGIC_DOUBLE => AppleKind::Double,
        other => return Err(AppleFileError::BadMagic(other)),
    };
    let version = read_u32(bytes, 4).ok_or(AppleFileError::Truncated)?;
    if version != VERSION_1 && version != VERSION_2 {
        return Err(AppleFileError::UnsupportedVersion(version));
    }
    let count = bytes
        .get(24..HEADER_LEN)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_be_bytes)
        .ok_or(AppleFileError::Truncated)?;
    if count > MAX_ENTRIES {
        return Err(AppleFileError::TooManyEntries(count));
    }
    let table_end = HEADER_LEN + ENTRY_LEN * usize::from(count);
    let table = bytes
        .get(HEADER_LEN..table_end)
        .ok_or(AppleFileError::Truncated)?;

    let mut file = AppleFile {
        kind,
        real_name: None,
        data_fork: None,
        file_type: None,
        creator: None,
    };
    let mut seen_name = false;
    let mut seen_finder = false;
    for descriptor in table.chunks_exact(ENTRY_LEN) {
        let field = |at: usize| read_u32(descriptor, at).unwrap_or_default();
        let (id, offset, length) = (field(0), field(4), field(8));
        let out_of_bounds = AppleFileError::EntryOutOfBounds { id, offset, length };
        let start = usize::try_from(offset).map_err(|_| out_of_bounds.clone())?;
        let len = usize::try_from(length).map_err(|_| out_of_bounds.clone())?;
        let content = start
            .checked_add(len)
            .and_then(|end| bytes.get(start..end))
            .ok_or(out_of_bounds)?;
        match id {
            ID_DATA_FORK if file.data_fork.is_none() => file.data_fork = Some(content.to_vec()),
            ID_REAL_NAME if !seen_name => {
                seen_name = true;
                let trimmed = match content.iter().rposition(|&b| b != 0) {
                    Some(last) => content.get(..=last).unwrap_or_default(),
                    None => &[],
                };
                let (name, _) = encoding_rs::MACINTOSH.decode_without_bom_handling(trimmed);
                file.real_name = Some(name.into_owned());
            }
            ID_FINDER_INFO if !seen_finder => {
                seen_finder = true;
                file.file_type = read_array4(content, 0);
                file.creator = read_array4(content, 4);
            }
            _ => {}
        }
    }
    Ok(file)
}

/// Builds a version 2 file with the given entries (for tests and fixtures).
///
/// Writes a real name entry (MacRoman, unmappable characters as `?`) when given, a
/// 32-byte Finder info entry with the type and creator, and a data fork entry when
/// given, whatever the kind.
pub fn build(
    kind: AppleKind,
    real_name: Option<&str>,
    data_fork: Option<&[u8]>,
    file_type: [u8; 4],
    creator: [u8; 4],
) -> Vec<u8> {
    let mut finder_info = [0u8; FINDER_INFO_LEN];
    for (slot, b) in finder_info.iter_mut().zip(file_type.iter().chain(&creator)) {
        *slot = *b;
    }
    let name = real_name.map(mac_roman);
    let mut entries: Vec<(u32, &[u8])> = Vec::with_capacity(3);
    if let Some(name) = &name {
        entries.push((ID_REAL_NAME, name));
    }
    entries.push((ID_FINDER_INFO, &finder_info));
    if let Some(data) = data_fork {
        entries.push((ID_DATA_FORK, data));
    }

    let magic = match kind {
        AppleKind::Single => MAGIC_SINGLE,
        AppleKind::Double => MAGIC_DOUBLE,
    };
    let count = u16::try_from(entries.len()).unwrap_or_default();
    let mut out = Vec::new();
    out.extend_from_slice(&magic.to_be_bytes());
    out.extend_from_slice(&VERSION_2.to_be_bytes());
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&count.to_be_bytes());
    let mut offset = HEADER_LEN + ENTRY_LEN * entries.len();
    for (id, content) in &entries {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&clamp(offset).to_be_bytes());
        out.extend_from_slice(&clamp(content.len()).to_be_bytes());
        offset += content.len();
    }
    for (_, content) in &entries {
        out.extend_from_slice(content);
    }
    out
}

/// A big-endian `u32` at `at`, if the bytes are there.
fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    read_array4(bytes, at).map(u32::from_be_bytes)
}

/// Four bytes at `at`, if they are there.
fn read_array4(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes
        .get(at..at.checked_add(4)?)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
}

/// Encodes `name` as MacRoman, replacing unmappable characters with `?`.
fn mac_roman(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut buf = [0u8; 4];
    for c in name.chars() {
        let (bytes, _, unmappable) = encoding_rs::MACINTOSH.encode(c.encode_utf8(&mut buf));
        if unmappable {
            out.push(b'?');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

#[cfg(test)]
#[path = "applefile_tests.rs"]
mod tests;
