//! The floor row of the benchmark: a plain single-threaded parse of a CSV
//! with the `csv` crate, counting records and nothing else. No report can
//! read a file faster than its rows can be split, so survey-lens's time is
//! shown as a multiple of this.
//!
//!     cargo bench --bench floor -- FILE.csv

use std::fs::File;
use std::io::BufReader;

fn main() {
    let Some(path) = std::env::args().nth(1).filter(|a| a != "--bench") else {
        eprintln!("usage: floor FILE.csv");
        std::process::exit(2);
    };
    let file = File::open(&path).unwrap_or_else(|e| {
        eprintln!("cannot open {path}: {e}");
        std::process::exit(1);
    });
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => n += 1,
            Ok(false) => break,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{n}");
}
