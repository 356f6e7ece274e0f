//! SHA-256 of an input, for provenance: summary.json names each file by its
//! digest so a published figure can be traced to the exact export it came from.

use std::io::{self, Read};
use std::sync::mpsc;

use anyhow::Result;
use sha2::{Digest, Sha256};

/// Passes bytes through while sending a copy of each read to a thread that
/// hashes them (`hash_chunks`), so provenance costs neither a second read of
/// the file nor time on the reading thread. A second read from the page
/// cache cost a fifth of the CPU time at ten million rows (4.8 GB).
pub(super) struct Hashing<R> {
    pub(super) inner: R,
    pub(super) to: Chunks,
}

/// The reader's end of the hashing thread's channels: full chunks go out,
/// hashed ones come back to be filled again (a fresh megabyte each time
/// cost a page fault per page).
pub(super) struct Chunks {
    pub(super) full: mpsc::SyncSender<Vec<u8>>,
    pub(super) spent: mpsc::Receiver<Vec<u8>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let to = &self.to;
            let mut chunk = to.spent.try_recv().unwrap_or_default();
            chunk.clear();
            chunk.extend_from_slice(&buf[..n]);
            // A closed channel: the hasher is gone, and the joined thread
            // says why.
            let _ = to.full.send(chunk);
        }
        Ok(n)
    }
}

/// The channels between a reader and `hash_chunks`.
pub(super) fn chunk_channels() -> (Chunks, mpsc::Receiver<Vec<u8>>, mpsc::Sender<Vec<u8>>) {
    let (full_tx, full_rx) = mpsc::sync_channel(8);
    let (spent_tx, spent_rx) = mpsc::channel();
    (
        Chunks {
            full: full_tx,
            spent: spent_rx,
        },
        full_rx,
        spent_tx,
    )
}

/// Hashes the chunks a `Hashing` reader sends until it is dropped, sending
/// each back for reuse; the digest in hex.
pub(super) fn hash_chunks(full: mpsc::Receiver<Vec<u8>>, spent: mpsc::Sender<Vec<u8>>) -> String {
    let mut h = Sha256::new();
    for chunk in full {
        h.update(&chunk);
        let _ = spent.send(chunk);
    }
    hex(h)
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
