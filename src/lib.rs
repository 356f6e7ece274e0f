//! survey-lens as a library: the same modules the binary uses.
//!
//! This exists so that fuzz targets (`fuzz/`) and benchmarks can call the
//! loader and the analysis in-process. It is not a stable public API; the
//! command line and summary.json are the contracts.
//!
//! load -> normalise -> analysis -> render, with the `Summary` model as the seam.

pub mod analysis;
pub mod budget;
pub mod cli;
pub mod cmd;
pub mod dates;
pub mod infer;
pub mod load;
pub mod normalise;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod sample;
pub mod summary;
pub mod survey;
pub mod text;
