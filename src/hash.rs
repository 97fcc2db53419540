//! Deterministic, non-cryptographic hashing for identifiers.
//!
//! [`StableHasher`] turns arbitrary input bytes into a 128-bit digest that is
//! used to derive identifiers (UIDs, GUIDs, Message-ID local parts) which must
//! be identical for identical input on every platform, every architecture and
//! every release of this crate. Golden test outputs depend on the exact digest
//! values, so its algorithm must never change. [`xxh64`] is the standard XXH64
//! (also fixed by its specification), for bulk input whose digest needs no such
//! promise. Neither is collision resistant against an adversary; neither may be
//! used for security.

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

/// The five 64-bit primes of XXH64.
const XXH_P1: u64 = 0x9e37_79b1_85eb_ca87;
const XXH_P2: u64 = 0xc2b2_ae3d_27d4_eb4f;
const XXH_P3: u64 = 0x1656_67b1_9e37_79f9;
const XXH_P4: u64 = 0x85eb_ca77_c2b2_ae63;
const XXH_P5: u64 = 0x27d4_eb2f_1656_67c5;

/// XXH64 of `input` with `seed`: the 64-bit xxHash algorithm as its specification
/// defines it (the tests check the published test vectors).
///
/// Unlike [`StableHasher`], which goes byte by byte through two dependent multiply
/// chains (about four cycles a byte), XXH64 reads eight bytes at a time into four
/// independent lanes: it is used where a whole calendar is hashed for a value that
/// needs no stability across releases (the seed of generated MIME boundaries and
/// Thread-Index values).
pub fn xxh64(input: &[u8], seed: u64) -> u64 {
    fn round(acc: u64, lane: u64) -> u64 {
        acc.wrapping_add(lane.wrapping_mul(XXH_P2))
            .rotate_left(31)
            .wrapping_mul(XXH_P1)
    }
    fn merge(acc: u64, lane: u64) -> u64 {
        (acc ^ round(0, lane))
            .wrapping_mul(XXH_P1)
            .wrapping_add(XXH_P4)
    }
    let (stripes, tail) = input.as_chunks::<32>();
    let mut acc = if stripes.is_empty() {
        seed.wrapping_add(XXH_P5)
    } else {
        let mut v = [
            seed.wrapping_add(XXH_P1).wrapping_add(XXH_P2),
            seed.wrapping_add(XXH_P2),
            seed,
            seed.wrapping_sub(XXH_P1),
        ];
        for stripe in stripes {
            let (lanes, _) = stripe.as_chunks::<8>();
            for (v, lane) in v.iter_mut().zip(lanes) {
                *v = round(*v, u64::from_le_bytes(*lane));
            }
        }
        let [v1, v2, v3, v4] = v;
        let mut acc = v1
            .rotate_left(1)
            .wrapping_add(v2.rotate_left(7))
            .wrapping_add(v3.rotate_left(12))
            .wrapping_add(v4.rotate_left(18));
        for v in [v1, v2, v3, v4] {
            acc = merge(acc, v);
        }
        acc
    };
    acc = acc.wrapping_add(input.len() as u64);
    let (words, rest) = tail.as_chunks::<8>();
    for word in words {
        acc = (acc ^ round(0, u64::from_le_bytes(*word)))
            .rotate_left(27)
            .wrapping_mul(XXH_P1)
            .wrapping_add(XXH_P4);
    }
    let (halves, bytes) = rest.as_chunks::<4>();
    for half in halves {
        acc = (acc ^ u64::from(u32::from_le_bytes(*half)).wrapping_mul(XXH_P1))
            .rotate_left(23)
            .wrapping_mul(XXH_P2)
            .wrapping_add(XXH_P3);
    }
    for &b in bytes {
        acc = (acc ^ u64::from(b).wrapping_mul(XXH_P5))
            .rotate_left(11)
            .wrapping_mul(XXH_P1);
    }
    acc ^= acc >> 33;
    acc = acc.wrapping_mul(XXH_P2);
    acc ^= acc >> 29;
    acc = acc.wrapping_mul(XXH_P3);
    acc ^ (acc >> 32)
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
