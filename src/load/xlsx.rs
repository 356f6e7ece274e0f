//! Excel workbooks (.xlsx), as Microsoft Forms exports them, read with calamine.

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use anyhow::{Result, bail};
use calamine::{Data, Reader, Xlsx};
use csv::StringRecord;

use super::{Described, Options, RowNo, Sink, feed, file_name, info};
use crate::dates::excel_serial_to_iso;
use crate::summary::InputInfo;

pub(super) fn read<R: Read + Seek>(
    path: &Path,
    src: R,
    opts: &Options,
    sha256: String,
    sink: &mut dyn Sink,
) -> Result<InputInfo> {
    let name = file_name(path);
    let mut wb: Xlsx<_> = Xlsx::new(BufReader::new(src)).map_err(|e| {
        anyhow::anyhow!(
            "{} is a zip archive but not a readable Excel workbook ({e}). \
             If it is a workbook, it may be damaged or cut short: export it again",
            path.display()
        )
    })?;
    let names = wb.sheet_names();
    let wanted: Vec<String> = match &opts.sheet {
        Some(s) => match names.iter().find(|n| n.eq_ignore_ascii_case(s.trim())) {
            Some(n) => vec![n.clone()],
            None => bail!(
                "{} has no sheet named \"{s}\"; its sheets are: {}",
                path.display(),
                quoted(&names)
            ),
        },
        None => names.clone(),
    };
    for sheet in &wanted {
        let range = wb.worksheet_range(sheet).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read sheet \"{sheet}\" ({e}); the workbook may be damaged",
                path.display()
            )
        })?;
        // The first sheet whose first non-blank row has two or more cells is the data.
        let has_header = range
            .rows()
            .find(|r| r.iter().any(|c| !is_empty(c)))
            .is_some_and(|r| r.iter().filter(|c| !is_empty(c)).count() >= 2);
        if !has_header && opts.sheet.is_none() {
            continue;
        }
        let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
        let mut rows = range.rows().enumerate();
        let mut next = || -> Result<Option<(RowNo, StringRecord)>> {
            Ok(rows.next().map(|(i, cells)| {
                (
                    first_row + i as u64 + 1,
                    cells.iter().map(cell_text).collect(),
                )
            }))
        };
        let (layout, n, incomplete) = feed(path, &name, &mut next, sink)?;
        return Ok(info(
            &name,
            sha256,
            &layout,
            n,
            incomplete,
            Described {
                container: "xlsx",
                encoding: None,
                delimiter: None,
                sheet: Some(sheet.clone()),
            },
        ));
    }
    bail!(
        "{} has no sheet with a header row (sheets: {}). Use --sheet NAME to choose one",
        path.display(),
        quoted(&names)
    )
}

fn is_empty(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cell as the text a CSV export of it would hold. Dates become ISO 8601;
/// whole numbers lose their `.0` so ids read as `12`, not `12.0`.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => excel_serial_to_iso(dt.as_f64()),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}
