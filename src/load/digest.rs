//! SHA-256 of an input, for provenance: summary.json names each file by its
//! digest so a published figure can be traced to the exact export it came from.

use std::io::{self, Read};

use anyhow::Result;
use sha2::{Digest, Sha256};

/// Passes bytes through while feeding them to SHA-256, so provenance costs no
/// second read of the file.
pub(super) struct Hashing<'h, R> {
    pub(super) inner: R,
    /// None when the caller hashes the file on another thread.
    pub(super) hasher: Option<&'h mut Sha256>,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// The digest of everything `f` yields, read in 64 KB pieces.
pub(super) fn sha256_of(f: &mut impl Read) -> Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(h))
}

/// Lower-case hex, as `sha256sum` prints it, so a user can check by hand.
pub(super) fn hex(h: Sha256) -> String {
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
