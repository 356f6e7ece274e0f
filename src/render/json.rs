//! summary.json: the `Summary` as it is, pretty-printed for diffing between waves.

use anyhow::Result;

use crate::summary::Summary;

pub fn render(summary: &Summary) -> Result<String> {
    let mut s = serde_json::to_string_pretty(summary)?;
    s.push('\n');
    Ok(s)
}
