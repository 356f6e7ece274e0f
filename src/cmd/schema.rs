//! `survey-lens schema summary|comparison`: the JSON Schema of a file the
//! tool writes, generated from the Rust types that write it, so scripts can
//! validate summary.json or generate code from it. docs/ holds the same text.

use std::io::Write;

use anyhow::Result;

use crate::cli::{SchemaArgs, SchemaKind};
use crate::summary::{COMPARISON_SCHEMA, Comparison, SCHEMA, Summary};

/// The schema as pretty-printed JSON, titled with the file's schema name.
pub fn json(kind: SchemaKind) -> Result<String> {
    let (mut schema, name) = match kind {
        SchemaKind::Summary => (schemars::schema_for!(Summary), SCHEMA),
        SchemaKind::Comparison => (schemars::schema_for!(Comparison), COMPARISON_SCHEMA),
    };
    schema.insert("title".into(), name.into());
    let mut out = serde_json::to_string_pretty(&schema)?;
    out.push('\n');
    Ok(out)
}

pub fn run(args: SchemaArgs) -> Result<()> {
    let mut w = super::output_writer(args.output.as_deref())?;
    w.write_all(json(args.which)?.as_bytes())?;
    w.flush()?;
    Ok(())
}
