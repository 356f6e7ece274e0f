//! Excel workbooks (.xlsx), as Microsoft Forms exports them, read with calamine.

use std::borrow::Cow;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use anyhow::{Result, bail};
use calamine::{Data, Reader, Xlsx};
use csv::StringRecord;

use super::{Described, Options, RowNo, Rows, Sink, feed, file_name, info};
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
        let mut rows = SheetRows {
            rows: range.rows().enumerate(),
            first_row,
            record: StringRecord::new(),
        };
        let (layout, n, incomplete) = feed(path, &name, &mut rows, sink)?;
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
/// A worksheet's rows as text, one reused record at a time.
struct SheetRows<'a, I: Iterator<Item = (usize, &'a [Data])>> {
    rows: I,
    first_row: u64,
    record: StringRecord,
}

impl<'a, I: Iterator<Item = (usize, &'a [Data])>> Rows for SheetRows<'a, I> {
    fn next_row(&mut self) -> Result<Option<(RowNo, &StringRecord)>> {
        let Some((i, cells)) = self.rows.next() else {
            return Ok(None);
        };
        self.record.clear();
        for c in cells {
            self.record.push_field(&cell_text(c));
        }
        Ok(Some((self.first_row + i as u64 + 1, &self.record)))
    }
}

/// A cell as the text a CSV export would hold; text cells are borrowed.
fn cell_text(c: &Data) -> Cow<'_, str> {
    match c {
        Data::Empty | Data::Error(_) => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        Data::Float(f) => Cow::Owned(f.to_string()),
        Data::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_datetime() => Cow::Owned(excel_serial_to_iso(dt.as_f64())),
        Data::DateTime(dt) => Cow::Owned(dt.as_f64().to_string()),
    }
}
