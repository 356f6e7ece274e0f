//! What the user typed: the clap definitions, and nothing that acts on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "survey-lens",
    version,
    about = "Per-group breakdowns of stakeholder survey exports: tables, JSON, CSV and a board-ready report.",
    after_help = "Exit codes: 0 success, 1 error (bad input, config or output folder), 2 usage error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse one or more survey exports and write a report folder.
    Report(ReportArgs),
    /// Write a realistic synthetic export of the SEL survey (Microsoft Forms shape, CSV).
    Sample(SampleArgs),
    /// Show how an export is read: platform, encoding, columns, unmatched answers.
    Inspect(InspectArgs),
    /// Write a starter template (TOML) for a survey that is not the built-in one.
    Init(InitArgs),
    /// Print the built-in survey template, a starting point for --config.
    Template(TemplateArgs),
    /// Print the JSON Schema of summary.json or comparison.json.
    Schema(SchemaArgs),
    /// Compare two waves: what changed, and whether the change is larger than chance.
    Compare(CompareArgs),
    /// Headline indicators across three or more waves: trend.csv, trend.md and charts.
    Trend(TrendArgs),
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The earlier wave: a summary.json, a report folder, or the export(s) themselves.
    #[arg(value_name = "PREVIOUS")]
    pub previous: PathBuf,
    /// The later wave, likewise.
    #[arg(value_name = "CURRENT")]
    pub current: PathBuf,
    /// Survey template, for waves given as exports. Default: the built-in SEL survey.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Small-number rule for waves given as exports.
    #[arg(
        long,
        default_value_t = 5,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub min_cell: i64,
    /// Show every indicator and group in the terminal, not only the changes larger than chance.
    #[arg(long)]
    pub all: bool,
    /// Exit with code 3 when any indicator worsened (for scripts and CI).
    #[arg(long, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
    /// Folder for comparison.json and comparison.md.
    #[arg(
        long,
        short = 'o',
        default_value = "reports/comparison",
        value_name = "DIR"
    )]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print comparison.json on stdout and nothing else there (for `| jq`).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// Three or more waves in time order: summary.json files or report folders.
    #[arg(required = true, num_args = 3.., value_name = "REPORT_DIR_OR_SUMMARY")]
    pub waves: Vec<PathBuf>,
    /// Folder for trend.csv, trend.md and charts/.
    #[arg(long, short = 'o', default_value = "reports/trend", value_name = "DIR")]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print the changes (each wave against the one before, and the last against the first) as JSON on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// How to read the export files, shared by every command that reads them.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// Worksheet to read from .xlsx inputs. Default: the first with a header row.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Header rows before the first response (1 to 3), when the layout cannot be told from the file:
    /// 2 for a two-row header (questions, then options or labels), 3 for Qualtrics.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub header_rows: Option<u8>,
}

impl ReadArgs {
    pub fn options(&self, progress: crate::progress::Progress) -> crate::load::Options {
        crate::load::Options {
            sheet: self.sheet.clone(),
            progress,
            header_rows: self.header_rows.map(usize::from),
            split_at: None,
        }
    }
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Survey export(s).
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Survey template (TOML). Default: the built-in SEL stakeholder survey.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print what was seen as JSON on stdout and nothing else there.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Survey export(s) to learn the questions from.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the template. Default: standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Survey export(s); several files are one survey, concatenated.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Survey template (TOML). Default: the built-in SEL stakeholder survey.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report folder. Default: reports/<stem of the first input>/<wave>/, e.g. reports/responses/2026-Q3/.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Hide counts from 1 to N-1 and groups with fewer than N answers. 0 or 1: no suppression (not for publication).
    #[arg(
        long,
        default_value_t = 5,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub min_cell: i64,
    /// Publish counts rounded to the nearest N (NHS practice is 5); percentages and intervals come from the rounded counts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
    pub round: Option<u32>,
    /// Put up to N redacted free-text answers per open question in the report (default: none).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub quotes: usize,
    /// Outputs to write, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "md,json,csv,svg,png,html,xlsx",
        value_name = "LIST"
    )]
    pub format: Vec<Format>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Label for this wave, e.g. "2026 Q3". Default: the quarter most responses were completed in.
    #[arg(long, value_name = "LABEL")]
    pub wave: Option<String>,
    /// The date printed on the paper, YYYY-MM-DD. Default: $SOURCE_DATE_EPOCH if set, else today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::dates::parse_iso)]
    pub date: Option<String>,
    /// An earlier wave's summary.json (or its report folder): adds "Change since ..." to the report.
    #[arg(long, value_name = "PATH")]
    pub previous: Option<PathBuf>,
    /// Refuse, before reading, inputs estimated to need more memory than this (e.g. 2GB). Default: the memory available.
    #[arg(long, value_name = "SIZE", value_parser = crate::budget::parse_size)]
    pub max_memory: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print summary.json on stdout and nothing else there (for `| jq`); the report folder is written as usual.
    #[arg(long)]
    pub json: bool,
}

/// What makes `compare` exit non-zero.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any indicator in any group worsened by more than chance.
    Worsened,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// report.md
    Md,
    /// summary.json
    Json,
    /// tables/<question id>.csv and tables/indicators.csv
    Csv,
    /// charts/*.svg (also embedded in report.md)
    Svg,
    /// charts/*.png, 1600 pixels wide
    Png,
    /// report.html: one self-contained file with inline charts
    Html,
    /// report.xlsx: every table as an Excel table, with cover, contents and notes
    Xlsx,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// Number of responses.
    #[arg(long, default_value_t = 250, value_name = "N")]
    pub rows: u64,
    /// Random seed; the same seed gives a byte-identical file.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Which quarterly wave (1 = 2026 Q3). Later waves are new samples of the same population (a quarter repeat)
    /// with planted changes: Bexley's isolation falls, and by wave 3 Greenwich's manager support recovers.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=8))]
    pub wave: u32,
    /// Output file. Default: standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Which file's schema.
    #[arg(value_name = "WHICH")]
    pub which: SchemaKind,
    /// Output file. Default: standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The JSON files survey-lens publishes a schema for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    /// summary.json (`survey-lens.summary.v1`)
    Summary,
    /// comparison.json (`survey-lens.comparison.v1`)
    Comparison,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// Output file. Default: standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}
