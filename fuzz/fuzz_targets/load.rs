//! Format detection, CSV and xlsx loading, platform layouts and answer
//! matching on arbitrary bytes: any outcome but a panic, hang or runaway
//! allocation is fine.
#![no_main]

use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use survey_lens::load;
use survey_lens::normalise::Normaliser;
use survey_lens::survey::Template;

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(Template::builtin)
}

fuzz_target!(|data: &[u8]| {
    let t = template();
    let mut norm = Normaliser::new(t);
    if load::read_from(Path::new("fuzz-input"), Cursor::new(data), &load::Options::default(), &mut norm).is_ok() {
        let _ = norm.unmatched();
        let _ = norm.finish();
    }
});
