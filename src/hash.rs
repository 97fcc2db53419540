//! Deterministic, non-cryptographic 128-bit hashing for stable identifiers.
//!
//! [`StableHasher`] turns arbitrary input bytes into a 128-bit digest that is
//! used to derive identifiers (UIDs, GUIDs, Message-ID local parts) which must
//! be identical for identical input on every platform, every architecture and
//! every release of this crate. Golden test outputs depend on the exact digest
//! values, so the algorithm in this file must never change. It is not
//! collision resistant against an adversary and must not be used for security.

/// FNV-1a 64-bit offset basis, used as the starting state of the first lane.
const LANE0_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV 64-bit prime, the multiplier of the first lane.
const LANE0_PRIME: u64 = 0x0000_0100_0000_01b3;
/// Starting state of the second lane (an arbitrary constant distinct from lane 0).
const LANE1_OFFSET: u64 = 0x6c62_272e_07bb_0142;
/// Odd multiplier of the second lane (64-bit golden ratio constant).
const LANE1_PRIME: u64 = 0x9e37_79b9_7f4a_7c15;

/// Streaming 128-bit hasher: two FNV-1a-style 64-bit lanes plus a final avalanche mix; stable forever.
#[derive(Debug, Clone)]
pub struct StableHasher {
    /// First lane: plain FNV-1a 64.
    lane0: u64,
    /// Second lane: FNV-1a-style with a different offset and multiplier.
    lane1: u64,
    /// Total number of bytes written, folded into the final mix.
    len: u64,
}

impl Default for StableHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl StableHasher {
    /// Creates a hasher in its fixed initial state.
    pub fn new() -> Self {
        Self {
            lane0: LANE0_OFFSET,
            lane1: LANE1_OFFSET,
            len: 0,
        }
    }

    /// Feeds bytes; splitting the input across several calls gives the same digest as one call.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.lane0 = (self.lane0 ^ u64::from(b)).wrapping_mul(LANE0_PRIME);
            // The second lane sees a bit-rotated byte so the lanes do not track each other.
            self.lane1 = (self.lane1 ^ u64::from(b.rotate_left(3))).wrapping_mul(LANE1_PRIME);
        }
        self.len = self.len.wrapping_add(bytes.len() as u64);
    }

    /// Returns the 128-bit digest (lane 0 then lane 1, each big-endian) without consuming the hasher.
    pub fn finish128(&self) -> [u8; 16] {
        let a = self.lane0 ^ self.len;
        let b = self.lane1 ^ self.len.rotate_left(32);
        let hi = fmix64(a ^ b.rotate_left(29));
        let lo = fmix64(b ^ hi);
        let mut out = [0u8; 16];
        for (dst, src) in out
            .iter_mut()
            .zip(hi.to_be_bytes().into_iter().chain(lo.to_be_bytes()))
        {
            *dst = src;
        }
        out
    }
}

/// 64-bit avalanche finaliser (the MurmurHash3 `fmix64` constants).
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// Formats bytes as lowercase hexadecimal, two digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            let c = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            s.push(char::from(c));
        }
    }
    s
}

#[cfg(test)]
#[path = "hash_tests.rs"]
mod tests;
