//! Writing a report folder all at once, or not at all.
//!
//! Files go to a hidden staging folder beside the destination. Only when every
//! file is written is the old report (if any) moved aside and the new one
//! renamed into place, so a failure never leaves a half-written report and
//! never destroys the previous one. A destination that exists but does not
//! look like a survey-lens report is never replaced.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Files whose presence marks a folder as one of our reports: every
/// `--format` leaves one of these, or a `charts` folder (see `is_report`).
const REPORT_MARKERS: &[&str] = &[
    "summary.json",
    "report.md",
    "report.html",
    "report.xlsx",
    "tables",
    "comparison.json",
    "trend.csv",
];

/// Is `dir` one of our reports? A report written as charts alone (`--format
/// png`) has only a `charts` folder; a folder of that name is taken for
/// ours only when it holds nothing but charts, so someone's own `charts`
/// folder beside their documents is never replaced.
fn is_report(dir: &Path) -> bool {
    if REPORT_MARKERS.iter().any(|m| dir.join(m).exists()) {
        return true;
    }
    let only_charts = |charts: &Path| -> Option<bool> {
        let mut any = false;
        for entry in fs::read_dir(charts).ok()? {
            let name = entry.ok()?.file_name();
            let name = name.to_string_lossy();
            if !(name.ends_with(".png") || name.ends_with(".svg")) {
                return Some(false);
            }
            any = true;
        }
        Some(any)
    };
    let listed: Vec<_> = fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    listed == ["charts"] && only_charts(&dir.join("charts")) == Some(true)
}

pub struct Staged {
    staging: PathBuf,
    dest: PathBuf,
    committed: bool,
    /// Folders made to hold the staging folder, innermost first: removed
    /// again when the run fails, so that a refused input leaves no trace.
    made: Vec<PathBuf>,
}

impl Staged {
    /// Prepares to write a report to `dest`. Fails before any work is done if
    /// `dest` could not be replaced safely.
    pub fn new(dest: &Path, inputs: &[PathBuf]) -> Result<Staged> {
        check_replaceable(dest)?;
        for input in inputs {
            if let (Ok(i), Ok(d)) = (input.canonicalize(), dest.canonicalize())
                && i.starts_with(&d)
            {
                bail!(
                    "--out {} contains the input {}; choose another output folder so the input is never replaced",
                    dest.display(),
                    input.display()
                );
            }
        }
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let made: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create folder {}", staging.display()))?;
        Ok(Staged {
            staging,
            dest: dest.to_path_buf(),
            committed: false,
            made,
        })
    }

    /// Writes `contents` at `rel` (e.g. `tables/role.csv`) inside the report.
    pub fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Where `rel` will be inside the staging folder, for writers that want a
    /// path rather than bytes (PNG encoding). Parent folders are created.
    pub fn path(&self, rel: &str) -> Result<PathBuf> {
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        Ok(path)
    }

    /// Moves the finished report into place, replacing any earlier report.
    pub fn commit(mut self) -> Result<()> {
        // Re-check: the folder may have changed while we worked.
        check_replaceable(&self.dest)?;
        let old = self.dest.with_file_name(format!(
            ".{}.old-{}",
            self.dest
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.dest.exists();
        if had_old {
            fs::rename(&self.dest, &old).with_context(|| {
                format!("cannot move the old report {} aside", self.dest.display())
            })?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.dest) {
            if had_old {
                fs::rename(&old, &self.dest).ok();
            }
            return Err(e)
                .with_context(|| format!("cannot move the report into {}", self.dest.display()));
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).ok();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.staging).ok();
            // Only folders left empty go: another run may be writing beside us.
            for dir in &self.made {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
            }
        }
    }
}

fn check_replaceable(dest: &Path) -> Result<()> {
    if !dest.exists() {
        return Ok(());
    }
    if !dest.is_dir() {
        bail!(
            "--out {} exists and is not a folder; choose another output folder",
            dest.display()
        );
    }
    let mut entries = fs::read_dir(dest)
        .with_context(|| format!("cannot read {}", dest.display()))?
        .peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    if is_report(dest) {
        return Ok(());
    }
    bail!(
        "--out {} already exists and is not a survey-lens report folder; refusing to replace it. Choose a new or empty folder",
        dest.display()
    )
}
