//! The published JSON Schemas: generated from the types that write the files,
//! shipped in docs/ (which must not drift from them), and met by what the
//! tool writes (every test's summary.json passes through common::conforms).

mod common;

use common::*;

#[test]
fn docs_hold_the_schemas_the_tool_prints() {
    for which in ["summary", "comparison"] {
        let printed = bin().args(["schema", which]).output().unwrap();
        assert!(printed.status.success());
        let shipped = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("docs/{which}.schema.json")),
        )
        .unwrap();
        assert!(
            String::from_utf8(printed.stdout).unwrap() == shipped,
            "docs/{which}.schema.json is stale: run `survey-lens schema {which} -o docs/{which}.schema.json`"
        );
    }
}

#[test]
fn the_schema_rejects_a_summary_that_breaks_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = report(&[&sample()], &dir.path().join("r"), &["--quiet"]);
    // A verdict outside the closed set, and a count that is not a number.
    s["indicators"][0]["cells"][0]["vs_all"] = "much worse".into();
    s["responses"]["analysed"] = "250".into();
    let caught = std::panic::catch_unwind(|| conforms(&s, "summary"));
    let msg = caught.expect_err("a broken summary must not conform");
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("/indicators/0/cells/0/vs_all"), "{msg}");
    assert!(msg.contains("/responses/analysed"), "{msg}");
}
