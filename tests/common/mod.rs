//! Helpers shared by the integration tests: run the real binary in a clean
//! environment and read what it wrote.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Whether the slow tests run: under CI (`.ci/run` sets `CI`), always; on a
/// developer's machine only when asked (`CI=1 cargo test --release`), so the
/// everyday suite stays under a minute.
#[allow(dead_code)]
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/sel-stakeholder-survey.csv")
}

/// The binary with a predictable environment: no colour, fixed width, and
/// the paper dated 1 December 2026 (`SOURCE_DATE_EPOCH`), so snapshots do
/// not change with the day they run.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("survey-lens").expect("binary is built");
    c.env_remove("NO_COLOR")
        .env("COLUMNS", "120")
        .env("SOURCE_DATE_EPOCH", "1796083200");
    c
}

/// Runs `init` on `input`, writing the template to `template`, with extra
/// args; asserts success.
pub fn init(input: &Path, template: &Path, extra: &[&str]) {
    bin()
        .arg("init")
        .arg(input)
        .arg("-o")
        .arg(template)
        .args(extra)
        .assert()
        .success();
}

/// Runs `report` on `inputs` into `out` with extra args, asserts success, and reads its summary.json. Only summary.json is written
/// unless `extra` names the formats (drawing every chart of every report
/// made the suite several times slower than what it checks).
pub fn report(inputs: &[&Path], out: &Path, extra: &[&str]) -> Value {
    let mut c = bin();
    c.arg("report")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra);
    if !extra
        .iter()
        .any(|a| *a == "--format" || a.starts_with("--format="))
    {
        c.args(["--format", "json"]);
    }
    c.assert().success();
    read_json(&out.join("summary.json"))
}

/// `report` writing every format (for tests that read more than the JSON).
pub fn report_all(inputs: &[&Path], out: &Path, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.extend(["--format", "md,html,json,csv,svg,png,xlsx"]);
    report(inputs, out, &args)
}

/// Checks `doc` against a schema published in docs/ (`summary` or
/// `comparison`), listing every violation: every summary.json and
/// comparison.json the tests make goes through here.
pub fn conforms(doc: &Value, which: &str) {
    use std::sync::OnceLock;
    static SCHEMAS: OnceLock<[(String, jsonschema::Validator); 2]> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        ["summary", "comparison"].map(|w| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/{w}.schema.json"));
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            (
                w.to_string(),
                jsonschema::validator_for(&schema).expect("a valid JSON Schema"),
            )
        })
    });
    let (_, v) = schemas
        .iter()
        .find(|(w, _)| w == which)
        .expect("summary or comparison");
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{which}.json does not match docs/{which}.schema.json:\n{}",
        errors.join("\n")
    );
}

/// Reads a JSON file the tool wrote. A summary.json or comparison.json
/// (told by its `schema`) is checked against its published schema on the way.
pub fn read_json(path: &Path) -> Value {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("the file exists"))
        .expect("it parses as JSON");
    match doc["schema"].as_str() {
        Some("survey-lens.summary.v1") => conforms(&doc, "summary"),
        Some("survey-lens.comparison.v1") => conforms(&doc, "comparison"),
        _ => {}
    }
    doc
}

/// The indicator cell for `group`.
pub fn indicator<'a>(s: &'a Value, id: &str, group: &str) -> &'a Value {
    s["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("indicator {id}"))["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"] == group)
        .unwrap_or_else(|| panic!("indicator {id} group {group}"))
}

/// The `groups` of a summary, in report order.
pub fn group_names(s: &Value) -> Vec<String> {
    s["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap().to_string())
        .collect()
}

pub fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("question {id}"))
}

/// The crosstab cell for `option` in `group`.
pub fn cell<'a>(s: &'a Value, q: &str, group: &str, option: &str) -> &'a Value {
    question(s, q)["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"] == group && c["option"] == option)
        .unwrap_or_else(|| panic!("cell {q}/{group}/{option}"))
}

/// Every file under `dir`, as (relative path, bytes), sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}
