//! `survey-lens init`: a starter template for a survey the tool does not know.

use std::io::Write;

use anyhow::{Result, bail};

use crate::cli::InitArgs;
use crate::infer::{self, Profile};
use crate::load::{self, Header, Record, RowNo, Sink};
use crate::text::header_key;

/// Profiles every column; columns of later files are matched by header.
#[derive(Default)]
struct Profiler {
    profiles: Vec<Profile>,
    /// For the current file: logical column -> profile index.
    map: Vec<usize>,
    /// Responses read, over all files.
    rows: u64,
}

impl Sink for Profiler {
    fn header(&mut self, header: &Header) -> Result<()> {
        self.map = header
            .columns
            .iter()
            .map(|h| {
                let k = header_key(h);
                match self
                    .profiles
                    .iter()
                    .position(|p| header_key(&p.header) == k)
                {
                    Some(i) => i,
                    None => {
                        self.profiles.push(Profile::new(h));
                        self.profiles.len() - 1
                    }
                }
            })
            .collect();
        Ok(())
    }

    fn row(&mut self, _row: RowNo, record: &Record) -> Result<()> {
        self.rows += 1;
        for (cell, &p) in record.iter().zip(&self.map) {
            self.profiles[p].add(cell);
        }
        Ok(())
    }
}

pub fn run(args: InitArgs) -> Result<()> {
    let (progress, shown) = crate::progress::for_inputs(&args.inputs, false);
    let opts = args.read.options(progress);
    let mut prof = Profiler::default();
    for path in &args.inputs {
        load::read(path, &opts, &mut prof)?;
    }
    drop(shown);
    let title = args.inputs[0]
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
        .unwrap_or_else(|| "Survey".into());
    let toml = infer::template(&title, &prof.profiles, prof.rows)?;
    let is_input = |p: &std::path::Path| {
        args.inputs.iter().any(|i| {
            i.canonicalize()
                .ok()
                .zip(p.canonicalize().ok())
                .is_some_and(|(a, b)| a == b)
        })
    };
    match &args.output {
        Some(p) if is_input(p) => bail!(
            "-o {} is one of the inputs; choose another file name",
            p.display()
        ),
        Some(p) if p.exists() && !args.force => {
            bail!(
                "{} already exists; pass --force to overwrite it",
                p.display()
            )
        }
        Some(p) => {
            std::fs::write(p, &toml)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
            eprintln!(
                "Wrote {}. Check every line marked GUESS, then run: survey-lens report {} --config {}",
                p.display(),
                args.inputs[0].display(),
                p.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(toml.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
