//! `survey-lens sample`: a synthetic SEL export for demos, tests and benchmarks.

use std::io::Write;

use anyhow::Result;

use crate::cli::SampleArgs;
use crate::sample::write_sample;
use crate::survey::Template;

pub fn run(args: SampleArgs) -> Result<()> {
    let mut out = super::output_writer(args.output.as_deref())?;
    write_sample(
        &Template::builtin(),
        args.rows,
        args.seed,
        args.wave,
        &mut out,
    )?;
    out.flush()?;
    Ok(())
}
