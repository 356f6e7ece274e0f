//! Excel workbooks (.xlsx), as Microsoft Forms exports them, read with calamine.

use std::borrow::Cow;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use anyhow::{Result, bail};
use calamine::{Cell, DataRef, Reader, Xlsx, XlsxCellReader, XlsxError};

use super::{Described, Record, RowNo, Rows};
use crate::dates::excel_serial_to_iso;
use crate::text::column_name;

/// Reads the data sheet of a workbook (`chosen`, or the first with a header
/// row) and lends its rows to `take`. Returns what `take` returned and what
/// the file is.
pub(super) fn read<R: Read + Seek, T>(
    path: &Path,
    src: R,
    chosen: Option<&str>,
    take: impl FnOnce(&mut dyn Rows) -> Result<T>,
) -> Result<(T, Described)> {
    let mut wb: Xlsx<_> = Xlsx::new(BufReader::new(src)).map_err(|e| {
        anyhow::anyhow!(
            "{} is a zip archive but not a readable Excel workbook ({e}). \
             If it is a workbook, it may be damaged or cut short: export it again",
            path.display()
        )
    })?;
    let names = wb.sheet_names();
    let wanted: Vec<String> = match chosen {
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
    let mut take = Some(take);
    for sheet in &wanted {
        let mut rows = SheetRows {
            cells: wb
                .worksheet_cells_reader(sheet)
                .map_err(|e| damaged(path, sheet, e))?,
            pending: None,
            ended: false,
            origin: None,
            replay: None,
            record: Record::new(),
            width: 0,
            row_cells: Vec::new(),
            path,
            sheet,
        };
        // The first sheet whose first non-blank row has two or more cells is the data.
        let has_header = rows
            .first_non_blank()?
            .is_some_and(|r| r.iter().filter(|c| !c.trim().is_empty()).count() >= 2);
        if !has_header && chosen.is_none() {
            continue;
        }
        let take = take.take().expect("only the chosen sheet is taken");
        let taken = take(&mut rows)?;
        let described = Described {
            container: "xlsx",
            encoding: None,
            delimiter: None,
            sheet: Some(sheet.clone()),
        };
        return Ok((taken, described));
    }
    bail!(
        "{} has no sheet with a header row (sheets: {}). Use --sheet NAME to choose one",
        path.display(),
        quoted(&names)
    )
}

fn damaged(path: &Path, sheet: &str, e: XlsxError) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: cannot read sheet \"{sheet}\" ({e}); the workbook may be damaged",
        path.display()
    )
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Excel's last column, XFD. A cell reference beyond it is damage.
const MAX_COLUMNS: u32 = 16_384;

/// A worksheet's rows as text, streamed cell by cell: only cells that hold
/// something are read, so a stray value in cell XFD1048576 costs one cell,
/// not the billions a dense grid from A1 to it would.
struct SheetRows<'a, 'p, RS: Read + Seek> {
    cells: XlsxCellReader<'a, RS>,
    /// The first cell of the next row, read while looking for a row's end.
    pending: Option<Cell<DataRef<'a>>>,
    /// The reader has reported the end: asking again is an error in calamine.
    ended: bool,
    /// The table's first column: where its header row starts.
    origin: Option<u32>,
    /// A row already read (the header, when choosing the sheet), to be
    /// handed out again first.
    replay: Option<RowNo>,
    record: Record,
    /// The widest row so far: a workbook stores no trailing empty cells, so
    /// shorter rows are padded to it, as a CSV export would be.
    width: usize,
    row_cells: Vec<(u32, Cell<DataRef<'a>>)>,
    path: &'p Path,
    sheet: &'p str,
}

impl<'a, RS: Read + Seek> SheetRows<'a, '_, RS> {
    /// Reads up to the first row with any text, keeps it to be read again,
    /// and returns it (`None` for an empty sheet).
    fn first_non_blank(&mut self) -> Result<Option<&Record>> {
        while let Some(row) = self.read_row()? {
            if self.record.iter().any(|c| !c.trim().is_empty()) {
                self.replay = Some(row);
                return Ok(Some(&self.record));
            }
        }
        Ok(None)
    }

    /// The next row with any cells into `self.record`, with its row number.
    fn read_row(&mut self) -> Result<Option<RowNo>> {
        self.row_cells.clear();
        let first = match self.pending.take() {
            Some(c) => c,
            None => match self.next_cell()? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let row = first.get_position().0;
        self.row_cells.push((first.get_position().1, first));
        while let Some(c) = self.next_cell()? {
            if c.get_position().0 != row {
                self.pending = Some(c);
                break;
            }
            self.row_cells.push((c.get_position().1, c));
        }
        // Cells are written left to right; sort in case a writer did not.
        self.row_cells.sort_by_key(|(col, _)| *col);
        // The header row, the first with any text, fixes where the table starts.
        let origin = match self.origin {
            Some(o) => o,
            None => {
                let first_col = self.row_cells[0].0;
                if self
                    .row_cells
                    .iter()
                    .any(|(_, c)| !cell_text(c.get_value()).trim().is_empty())
                {
                    self.origin = Some(first_col);
                }
                first_col
            }
        };
        let row_no = RowNo::from(row) + 1;
        self.record.clear();
        let mut next_col = origin;
        for (col, cell) in &self.row_cells {
            if *col < origin {
                bail!(
                    "{} sheet \"{}\" row {row_no}: a value in column {}, left of the header row, which starts in column {}. \
                     Expected the table to start in the header's first column",
                    self.path.display(),
                    self.sheet,
                    column_name(*col),
                    column_name(origin)
                );
            }
            while next_col < *col {
                self.record.push_field("");
                next_col += 1;
            }
            self.record.push_field(&cell_text(cell.get_value()));
            next_col += 1;
        }
        while self.record.len() < self.width {
            self.record.push_field("");
        }
        self.width = self.record.len();
        Ok(Some(row_no))
    }

    /// The next cell holding a value; empty cells (formatting only) are skipped.
    fn next_cell(&mut self) -> Result<Option<Cell<DataRef<'a>>>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let cell = self
                .cells
                .next_cell()
                .map_err(|e| damaged(self.path, self.sheet, e))?;
            match cell {
                None => {
                    self.ended = true;
                    return Ok(None);
                }
                Some(c) if matches!(c.get_value(), DataRef::Empty) => continue,
                Some(c) => {
                    let (row, col) = c.get_position();
                    if col >= MAX_COLUMNS {
                        bail!(
                            "{} sheet \"{}\" row {}: a cell lies beyond Excel's last column (XFD); the workbook is damaged: export it again",
                            self.path.display(),
                            self.sheet,
                            u64::from(row) + 1
                        );
                    }
                    return Ok(Some(c));
                }
            }
        }
    }
}

impl<RS: Read + Seek> Rows for SheetRows<'_, '_, RS> {
    fn too_wide_hint(&self) -> &'static str {
        "Is there a value to the right of the table, outside its columns?"
    }

    fn first_column(&self) -> Option<u32> {
        self.origin
    }

    fn next_row(&mut self) -> Result<Option<(RowNo, &Record)>> {
        if let Some(row) = self.replay.take() {
            return Ok(Some((row, &self.record)));
        }
        Ok(self.read_row()?.map(|row| (row, &self.record)))
    }
}

/// A cell as the text a CSV export of it would hold, borrowed when it is
/// text. Dates become ISO 8601; whole numbers lose their `.0` so ids read as
/// `12`, not `12.0`.
fn cell_text<'c>(c: &'c DataRef<'_>) -> Cow<'c, str> {
    match c {
        DataRef::Empty | DataRef::Error(_) => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cow::Borrowed(s),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cow::Owned(format!("{}", *f as i64))
        }
        DataRef::Float(f) => Cow::Owned(f.to_string()),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) if dt.is_datetime() => Cow::Owned(excel_serial_to_iso(dt.as_f64())),
        DataRef::DateTime(dt) => Cow::Owned(dt.as_f64().to_string()),
    }
}
