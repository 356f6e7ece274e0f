//! A hostile reader, written apart from the defence: it shares no code with
//! `src/analysis/disclosure`, reads only what a report publishes
//! (summary.json) and the template (which the report's text describes: what
//! each indicator counts), and knows the README's rules. It sets up one
//! integer programme over every published table at once and minimises and
//! maximises every hidden figure.
//!
//! What it assumes a reader knows:
//! - every count is a whole number of at least 0; a listed group has at
//!   least one response; All's responses are `responses.analysed`;
//! - per group and question: the base is at most the group's responses;
//!   groups add up to All (responses, bases, every cell);
//! - one-answer questions: cells add up to the base; tick-all questions: each
//!   cell is at most the base and the cells add up to at least the base;
//! - indicators: the template's definition (counted answers, base
//!   exclusions), as sums (one answer) or bounds (tick-all);
//! - a group whose every figure is hidden has 1 to min-cell − 1 responses;
//! - with `--round R`, a published count c means a true count from
//!   c − ⌊R/2⌋ to c − ⌊R/2⌋ + R − 1;
//! - a percentage or interval published beside a hidden count or base
//!   gives the ratio away (reported as a leak of its own);
//! - with `old_marks` (reports of survey-lens 0.1), `suppression: small`
//!   means 1 to min-cell − 1, `group` a base of 1 to min-cell − 1, and
//!   `secondary` 0 or at least min-cell.
#![allow(dead_code)]

use std::collections::BTreeMap;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};
use serde_json::Value;

/// Which figure: (what, question or indicator id, group, option).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(pub &'static str, pub String, pub String, pub String);

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} [{}] {}", self.0, self.1, self.2, self.3)
    }
}

fn key(what: &'static str, id: &str, group: &str, option: &str) -> Key {
    Key(what, id.to_string(), group.to_string(), option.to_string())
}

/// What the reader can say about one hidden figure.
#[derive(Debug, Clone)]
pub struct Range {
    pub key: Key,
    pub lo: i64,
    pub hi: i64,
}

#[derive(Clone, Copy)]
enum Term {
    Known(i64),
    Var(usize),
}

type Row = (Vec<(usize, f64)>, f64, ComparisonOp);

struct Model {
    names: Vec<String>,
    keys: Vec<Key>,
    bounds: Vec<(i64, i64)>,
    /// `Σ coef · var + constant (op) 0`.
    rows: Vec<Row>,
    figures: BTreeMap<Key, Term>,
    hidden: Vec<(Key, usize)>,
    big: i64,
    rounded: bool,
}

impl Model {
    fn var(&mut self, name: &Key, lo: i64, hi: i64) -> usize {
        self.names.push(name.to_string());
        self.keys.push(name.clone());
        self.bounds.push((lo, hi));
        self.names.len() - 1
    }

    /// A published figure: known when shown exactly, a bounded unknown when
    /// rounded or hidden.
    fn figure(&mut self, key: Key, v: &Value, round: i64, hint: (i64, i64)) -> Term {
        let t = match v.as_i64() {
            Some(c) if round > 1 => {
                let lo = (c - round / 2).max(0);
                Term::Var(self.var(&key, lo, c - round / 2 + round - 1))
            }
            Some(c) => Term::Known(c),
            None => {
                let i = self.var(&key, hint.0, hint.1);
                self.hidden.push((key.clone(), i));
                Term::Var(i)
            }
        };
        self.figures.insert(key, t);
        t
    }

    fn row(&mut self, terms: &[(Term, f64)], op: ComparisonOp) {
        let mut vars = Vec::new();
        let mut constant = 0.0;
        for &(t, c) in terms {
            match t {
                Term::Known(v) => constant += c * v as f64,
                Term::Var(i) => vars.push((i, c)),
            }
        }
        if vars.is_empty() {
            return;
        }
        self.rows.push((vars, constant, op));
    }

    fn sum(&mut self, total: Term, parts: &[Term]) {
        let mut t: Vec<(Term, f64)> = parts.iter().map(|&p| (p, 1.0)).collect();
        t.push((total, -1.0));
        self.row(&t, ComparisonOp::Eq);
    }

    fn le(&mut self, low: &[Term], high: &[Term]) {
        let mut t: Vec<(Term, f64)> = low.iter().map(|&p| (p, 1.0)).collect();
        t.extend(high.iter().map(|&p| (p, -1.0)));
        self.row(&t, ComparisonOp::Le);
    }

    fn solve(&self, target: usize, dir: OptimizationDirection, binaries: &[(usize, i64)]) -> i64 {
        let mut p = Problem::new(dir);
        let vars: Vec<_> = (0..self.names.len())
            .map(|i| {
                let (lo, hi) = self.bounds[i];
                p.add_integer_var(if i == target { 1.0 } else { 0.0 }, (lo as i32, hi as i32))
            })
            .collect();
        for (terms, constant, op) in &self.rows {
            let mut e = LinearExpr::empty();
            for &(i, c) in terms {
                e.add(vars[i], c);
            }
            p.add_constraint(e, *op, -constant);
        }
        // x = 0 or x >= n: x >= n·b and x <= big·b with b in {0, 1}.
        for &(i, n) in binaries {
            let b = p.add_binary_var(0.0);
            let mut ge = LinearExpr::empty();
            ge.add(vars[i], 1.0);
            ge.add(b, -(n as f64));
            p.add_constraint(ge, ComparisonOp::Ge, 0.0);
            let mut le = LinearExpr::empty();
            le.add(vars[i], 1.0);
            le.add(b, -(self.big as f64));
            p.add_constraint(le, ComparisonOp::Le, 0.0);
        }
        let sol = p.solve().expect("the published figures are consistent");
        sol.solution()
            .expect("solved to the end")
            .var_value(vars[target])
            .round() as i64
    }
}

fn columns(s: &Value) -> Vec<String> {
    s["responses"]["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap().to_string())
        .collect()
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn strings(v: &toml::Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(|a| a.as_array())
        .map(|a| a.iter().map(|x| norm(x.as_str().unwrap())).collect())
        .unwrap_or_default()
}

/// Every hidden figure's derivable range.
pub fn attack(s: &Value, template: &toml::Value, old_marks: bool) -> Vec<Range> {
    attack_checked(s, template, old_marks, None)
}

/// The same, first checking that the true values satisfy every fact the
/// attacker wrote down (a wrong fact would make its ranges meaningless).
pub fn attack_checked(
    s: &Value,
    template: &toml::Value,
    old_marks: bool,
    truth: Option<&BTreeMap<Key, i64>>,
) -> Vec<Range> {
    let cols = columns(s);
    let k = cols.len();
    let all = k - 1;
    let n = s["disclosure"]["min_cell"].as_i64().unwrap_or(0);
    let round = s["disclosure"]["round"].as_i64().unwrap_or(1);
    let analysed = s["responses"]["analysed"].as_i64().unwrap();
    let big = analysed.max(n);
    let mut m = Model {
        names: vec![],
        keys: vec![],
        bounds: vec![],
        rows: vec![],
        figures: BTreeMap::new(),
        hidden: vec![],
        big,
        rounded: round > 1,
    };
    let mut binaries: Vec<(usize, i64)> = vec![];
    // Marks of survey-lens 0.1: the reason told the reader a range.
    let hint = |why: &Value, lo: i64| -> ((i64, i64), bool) {
        match (old_marks, why.as_str()) {
            (true, Some("small")) => ((1.max(lo), n - 1), false),
            (true, Some("group")) => ((lo, n - 1), false),
            (true, Some("secondary")) => ((lo, big), true),
            _ => ((lo, big), false),
        }
    };
    let note = |m: &Model, t: Term, secondary: bool, binaries: &mut Vec<(usize, i64)>| {
        if let (Term::Var(i), true) = (t, secondary)
            && m.hidden.iter().any(|h| h.1 == i)
        {
            binaries.push((i, n));
        }
    };

    // Responses by group.
    let by = s["responses"]["by_group"].as_array().unwrap();
    let resp: Vec<Term> = by
        .iter()
        .map(|g| {
            let (h, sec) = hint(&g["suppression"], 1);
            let t = m.figure(
                key("resp", "", g["group"].as_str().unwrap(), ""),
                &g["responses"],
                round,
                h,
            );
            note(&m, t, sec, &mut binaries);
            t
        })
        .collect();
    m.sum(resp[all], &resp[..all]);
    m.row(
        &[(resp[all], 1.0), (Term::Known(analysed), -1.0)],
        ComparisonOp::Eq,
    );

    let qdefs: BTreeMap<String, &Value> = s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["id"].as_str().unwrap().to_string(), q))
        .collect();
    let mut qfig: BTreeMap<String, (Vec<Term>, Vec<Vec<Term>>)> = BTreeMap::new();
    for (id, q) in &qdefs {
        let kind = q["kind"].as_str().unwrap();
        let opts: Vec<String> = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().to_string())
            .collect();
        let cell_of = |g: &str, o: &str| -> &Value {
            q["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["group"] == g && c["option"] == o)
                .expect("every group x option is published")
        };
        let mut base = Vec::new();
        for g in &cols {
            let why = if kind == "text" {
                &Value::Null
            } else {
                &cell_of(g, &opts[0])["suppression"]
            };
            let h = if old_marks && why == "group" {
                (1, n - 1)
            } else {
                (0, big)
            };
            base.push(m.figure(key("base", id, g, ""), &q["answered"][g], round, h));
        }
        for j in 0..k {
            m.le(&[base[j]], &[resp[j]]);
        }
        m.sum(base[all], &base[..all]);
        let mut cells: Vec<Vec<Term>> = Vec::new();
        if kind != "text" {
            for o in &opts {
                let mut row = Vec::new();
                for g in &cols {
                    let c = cell_of(g, o);
                    let (h, sec) = hint(&c["suppression"], 0);
                    let t = m.figure(key("cell", id, g, o), &c["count"], round, h);
                    let j = cols.iter().position(|x| x == g).unwrap();
                    // 0.1 marked a whole group hidden as a partner
                    // `secondary`, small cells and all.
                    note(
                        &m,
                        t,
                        sec && matches!(resp[j], Term::Known(_)),
                        &mut binaries,
                    );
                    row.push(t);
                    side_channel(
                        &mut m,
                        t,
                        base[cols.iter().position(|x| x == g).unwrap()],
                        &c["percent"],
                    );
                }
                m.sum(row[all], &row[..all]);
                cells.push(row);
            }
            for j in 0..k {
                let col: Vec<Term> = cells.iter().map(|r| r[j]).collect();
                if kind == "multi" {
                    for &c in &col {
                        m.le(&[c], &[base[j]]);
                    }
                    m.le(&[base[j]], &col);
                } else {
                    m.sum(base[j], &col);
                }
            }
        }
        qfig.insert(id.clone(), (base, cells));
    }

    let defs: BTreeMap<String, &toml::Value> = template
        .get("indicators")
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .map(|i| (i["id"].as_str().unwrap().to_string(), i))
                .collect()
        })
        .unwrap_or_default();
    for ind in s["indicators"].as_array().unwrap() {
        let id = ind["id"].as_str().unwrap();
        let def = defs[id];
        let qid = def["question"].as_str().unwrap();
        let q = qdefs[qid];
        let multi = q["kind"] == "multi";
        let opts: Vec<String> = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| norm(o.as_str().unwrap()))
            .collect();
        let pick = |names: Vec<String>| -> Vec<usize> {
            (0..opts.len())
                .filter(|o| names.contains(&opts[*o]))
                .collect()
        };
        let excluded = pick(strings(def, "base_excludes"));
        let mut counted = pick(strings(def, "counts"));
        if !multi {
            counted.retain(|o| !excluded.contains(o));
        }
        let (qbase, cells) = qfig[qid].clone();
        let cell_of = |g: &str| {
            ind["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["group"] == g)
                .unwrap()
        };
        let mut count = Vec::new();
        let mut base = Vec::new();
        for (j, g) in cols.iter().enumerate() {
            let c = cell_of(g);
            let (h, sec) = hint(&c["suppression"], 0);
            let b = m.figure(key("ibase", id, g, ""), &c["base"], round, (0, big));
            let t = m.figure(key("icount", id, g, ""), &c["count"], round, h);
            note(
                &m,
                t,
                sec && matches!(resp[j], Term::Known(_)),
                &mut binaries,
            );
            side_channel(&mut m, t, b, &c["percent"]);
            let excl: Vec<Term> = excluded.iter().map(|&o| cells[o][j]).collect();
            let cnt: Vec<Term> = counted.iter().map(|&o| cells[o][j]).collect();
            if multi {
                m.le(&[b], &[qbase[j]]);
                for &e in &excl {
                    m.le(&[b, e], &[qbase[j]]);
                }
                let mut high = vec![b];
                high.extend(excl.iter().copied());
                m.le(&[qbase[j]], &high);
                m.le(&[t], &[b]);
                m.le(&[t], &cnt);
                for &c in &cnt {
                    let mut high = vec![t];
                    high.extend(excl.iter().copied());
                    m.le(&[c], &high);
                }
            } else {
                let mut parts = vec![b];
                parts.extend(excl);
                m.sum(qbase[j], &parts);
                m.sum(t, &cnt);
            }
            count.push(t);
            base.push(b);
        }
        m.sum(count[all], &count[..all]);
        m.sum(base[all], &base[..all]);
    }

    // A group hidden whole is small, by the rules.
    for (j, g) in cols.iter().enumerate() {
        let whole = m
            .figures
            .iter()
            .filter(|(k, _)| &k.2 == g)
            .all(|(_, t)| match t {
                Term::Known(_) => false,
                Term::Var(i) => m.hidden.iter().any(|h| h.1 == *i),
            });
        if whole
            && n > 1
            && !old_marks
            && let Term::Var(i) = resp[j]
        {
            m.bounds[i].1 = m.bounds[i].1.min(n - 1);
        }
    }

    if let Some(t) = truth {
        for (terms, constant, op) in &m.rows {
            let lhs: f64 = terms
                .iter()
                .map(|&(i, c)| c * t[&m.keys[i]] as f64)
                .sum::<f64>()
                + constant;
            let ok = match op {
                ComparisonOp::Eq => lhs.abs() < 1e-6,
                ComparisonOp::Le => lhs <= 1e-6,
                ComparisonOp::Ge => lhs >= -1e-6,
            };
            let names: Vec<String> = terms
                .iter()
                .map(|&(i, c)| format!("{c}·{}={}", m.names[i], t[&m.keys[i]]))
                .collect();
            assert!(
                ok,
                "a fact the truth breaks: {} + {constant} {op:?} 0",
                names.join(" + ")
            );
        }
        for &(i, n) in &binaries {
            let v = t[&m.keys[i]];
            assert!(
                v == 0 || v >= n,
                "{} = {v} is marked 0 or at least {n}",
                m.names[i]
            );
        }
        for (i, (lo, hi)) in m.bounds.iter().enumerate() {
            let v = t[&m.keys[i]];
            assert!(
                *lo <= v && v <= *hi,
                "{} = {v} outside {lo}..{hi}",
                m.names[i]
            );
        }
    }
    m.hidden
        .iter()
        .map(|(key, i)| Range {
            key: key.clone(),
            lo: m.solve(*i, OptimizationDirection::Minimize, &binaries),
            hi: m.solve(*i, OptimizationDirection::Maximize, &binaries),
        })
        .collect()
}

/// A percentage beside a hidden count or base would give it away: the
/// reader uses it (count = percent × base / 100, to its printed precision).
fn side_channel(m: &mut Model, count: Term, base: Term, percent: &Value) {
    let Some(p) = percent.as_f64() else { return };
    if matches!((count, base), (Term::Known(_), Term::Known(_))) || m.rounded {
        // With rounding a percentage is of the rounded counts, which are
        // published beside it (tests check it is never shown alone).
        return;
    }
    let tol = 0.0501;
    // 100·count − (p ± tol)·base within bounds.
    m.row(&[(count, 100.0), (base, -(p + tol))], ComparisonOp::Le);
    m.row(&[(count, 100.0), (base, -(p - tol))], ComparisonOp::Ge);
}

/// The true value of every figure, from a report of the same input made
/// with `--min-cell 0`.
pub fn truth(s: &Value) -> BTreeMap<Key, i64> {
    let mut t = BTreeMap::new();
    for g in s["responses"]["by_group"].as_array().unwrap() {
        let group = g["group"].as_str().unwrap();
        t.insert(key("resp", "", group, ""), g["responses"].as_i64().unwrap());
    }
    for q in s["questions"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        for (g, v) in q["answered"].as_object().unwrap() {
            t.insert(key("base", id, g, ""), v.as_i64().unwrap());
        }
        for c in q["cells"].as_array().unwrap() {
            let (g, o) = (c["group"].as_str().unwrap(), c["option"].as_str().unwrap());
            t.insert(key("cell", id, g, o), c["count"].as_i64().unwrap());
        }
    }
    for i in s["indicators"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        for c in i["cells"].as_array().unwrap() {
            let g = c["group"].as_str().unwrap();
            t.insert(key("icount", id, g, ""), c["count"].as_i64().unwrap());
            t.insert(key("ibase", id, g, ""), c["base"].as_i64().unwrap());
        }
    }
    t
}

/// The room a hidden figure can possibly have: the true totals it is part
/// of (its base, its row's All, the group's responses) and, for a group
/// hidden whole, the rules' 1 to min-cell − 1.
fn room(
    k: &Key,
    truth: &BTreeMap<Key, i64>,
    n: i64,
    whole: bool,
    question_of: &BTreeMap<String, String>,
    others: i64,
) -> i64 {
    let get = |k: Key| truth.get(&k).copied().unwrap_or(i64::MAX);
    let (id, g, o) = (k.1.as_str(), k.2.as_str(), k.3.as_str());

    match k.0 {
        // The other listed groups hold at least one response each.
        "resp" if whole => (n - 1).min(get(key("resp", "", "All", "")) - others) - 1,
        "resp" => get(key("resp", "", "All", "")) - others - 1,
        "base" => get(key("resp", "", g, "")).min(get(key("base", id, "All", ""))),
        "cell" => get(key("base", id, g, "")).min(get(key("cell", id, "All", o))),
        "icount" => get(key("ibase", id, g, "")).min(get(key("icount", id, "All", ""))),
        "ibase" => get(key("base", &question_of[id], g, "")).min(get(key("ibase", id, "All", ""))),
        _ => i64::MAX,
    }
}

/// The room a group hidden whole leaves a figure of its own. With two or
/// more such groups, a figure has no more room than the same figure summed
/// over all of them, less what the others must hold (one response each).
/// And a question's base that counts the whole group ranges as the group's
/// size does: 1 to min-cell − 1.
fn block_room(k: &Key, truth: &BTreeMap<Key, i64>, n: i64, small: &[String]) -> i64 {
    if !small.contains(&k.2) {
        return n;
    }
    let mut room = n;
    if small.len() >= 2 {
        let total: i64 = small
            .iter()
            .map(|g| {
                let other = Key(k.0, k.1.clone(), g.clone(), k.3.clone());
                truth.get(&other).copied().unwrap_or(0)
            })
            .sum();
        room = if k.0 == "resp" {
            // Each of the others holds 1 to min-cell − 1.
            let others = small.len() as i64 - 1;
            let hi = (total - others).min(n - 1);
            let lo = (total - others * (n - 1)).max(1);
            hi - lo
        } else {
            total
        };
    }
    let size = key("resp", "", &k.2, "");
    if matches!(k.0, "base" | "ibase") && truth[k] == truth[&size] {
        room = room.min(n - 2).min(block_room(&size, truth, n, small));
    }
    room
}

/// Figures the attack narrows down further than the protection rule
/// allows: a hidden non-zero figure pinned to one value, or a hidden small
/// figure (1 to min-cell − 1) with a range narrower than min-cell − 1 (or
/// than the room it has).
pub fn violations(ranges: &[Range], truth: &BTreeMap<Key, i64>, published: &Value) -> Vec<String> {
    let n = published["disclosure"]["min_cell"].as_i64().unwrap_or(0);
    // Groups listed besides the one in question and All.
    let others = published["responses"]["by_group"].as_array().unwrap().len() as i64 - 2;
    let question_of: BTreeMap<String, String> = published["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["question"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let hidden_resp: Vec<Key> = published["responses"]["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["responses"].is_null())
        .map(|g| key("resp", "", g["group"].as_str().unwrap(), ""))
        .collect();
    // Groups hidden whole: their size is small (the rule's reason).
    let small_groups: Vec<String> = hidden_resp
        .iter()
        .filter(|k| truth[*k] < n)
        .map(|k| k.2.clone())
        .collect();
    ranges
        .iter()
        .filter_map(|r| {
            let v = truth[&r.key];
            assert!(
                r.lo <= v && v <= r.hi,
                "the attack must contain the truth: {} = {v} in {}..{}",
                r.key,
                r.lo,
                r.hi
            );
            let width = r.hi - r.lo;
            let whole = hidden_resp.contains(&r.key);
            let need = if v == 0 {
                0
            } else if v >= n {
                1
            } else {
                (n - 1)
                    .min(room(&r.key, truth, n, whole, &question_of, others))
                    .min(block_room(&r.key, truth, n, &small_groups))
            };
            (width < need).then(|| {
                format!(
                    "{} = {v}: derivable as {}..{} (needs {need})",
                    r.key, r.lo, r.hi
                )
            })
        })
        .collect()
}
