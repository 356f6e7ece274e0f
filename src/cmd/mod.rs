//! One module per subcommand; each exposes `run(args)`.

pub mod compare;
pub mod init;
pub mod inspect;
pub mod report;
pub mod sample;
pub mod schema;
pub mod template;
pub mod trend;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};

/// Standard output, or a file when `-o FILE` was given.
pub fn output_writer(path: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match path {
        None => Box::new(BufWriter::new(io::stdout().lock())),
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
    })
}
