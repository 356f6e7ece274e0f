//! `survey-lens template`: print the built-in template as a starting point.

use std::io::Write;

use anyhow::Result;

use crate::cli::TemplateArgs;
use crate::survey::BUILTIN_TOML;

pub fn run(args: TemplateArgs) -> Result<()> {
    let mut out = super::output_writer(args.output.as_deref())?;
    out.write_all(BUILTIN_TOML.as_bytes())?;
    out.flush()?;
    Ok(())
}
