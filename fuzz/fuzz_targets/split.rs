//! Reading a CSV in two parts (`load::read_split`) against one pass
//! (`load::read`), on arbitrary bytes split at an arbitrary offset: the
//! outcome must be the same, rows, figures, digest and errors alike. Any
//! difference is a finding (a panic here), as is a panic, hang or runaway
//! allocation in either.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use survey_lens::load;
use survey_lens::normalise::Normaliser;
use survey_lens::survey::Template;

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(Template::builtin)
}

/// One file per fuzzing process: both readers open it by path.
fn file() -> &'static PathBuf {
    static F: OnceLock<PathBuf> = OnceLock::new();
    F.get_or_init(|| {
        std::env::temp_dir().join(format!("survey-lens-split-{}.csv", std::process::id()))
    })
}

fn outcome(split_at: Option<u64>) -> String {
    let mut norm = Normaliser::new(template());
    let opts = load::Options {
        split_at,
        ..load::Options::default()
    };
    let info = match split_at {
        None => load::read(file(), &opts, &mut norm),
        Some(_) => load::read_split(file(), &opts, &mut norm),
    };
    match info {
        Ok(info) => format!("{info:?}\n{:?}\n{:?}", norm.unmatched(), norm.finish()),
        Err(e) => format!("error: {e:#}"),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes place the split, as a share of the file.
    let (at, bytes) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return,
    };
    std::fs::write(file(), bytes).unwrap();
    let at = bytes.len() as u64 * u64::from(at) / u64::from(u16::MAX);
    let one = outcome(None);
    let two = outcome(Some(at));
    assert!(
        one == two,
        "split near {at}:\none pass:  {one}\ntwo parts: {two}"
    );
});
