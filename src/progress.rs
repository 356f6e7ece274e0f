//! A progress bar for long reads, on stderr, only when someone is watching.
//!
//! A national export takes seconds to read; without feedback a user cannot
//! tell a slow run from a hung one. Short runs (nearly all) must not flash a
//! bar, and scripts, pipes and logs must never receive one: the bar appears
//! only after a delay, only on a terminal, and is cleared before anything
//! else is printed, errors included.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes unannounced.
pub const DELAY: Duration = Duration::from_secs(2);

/// The handle readers advance. Cheap to clone; a hidden one does nothing.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress handle that never draws.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Another file is being read.
    pub fn reading(&self, file: &str) {
        if let Some(b) = &self.bar {
            b.set_message(format!("Reading {file}"));
        }
    }

    /// Reading is over and another stage has begun: a spinner, because the
    /// later stages are short and report no steps of their own.
    pub fn stage(&self, what: &str) {
        if let Some(b) = &self.bar {
            b.set_style(style("{spinner} {msg}, {elapsed} in all"));
            b.set_message(what.to_string());
        }
    }

    /// `bytes` more of the inputs have been read.
    pub fn advance(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }
}

/// Owns the bar's lifetime: dropping it clears the bar, on success or error,
/// so the next line printed starts on a clean line.
pub struct Shown {
    bar: ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    waker: Option<JoinHandle<()>>,
}

impl Drop for Shown {
    fn drop(&mut self) {
        // Wakes the waiting thread early, so it never draws after this.
        drop(self.stop.take());
        if let Some(w) = self.waker.take() {
            let _ = w.join();
        }
        self.bar.finish_and_clear();
    }
}

/// Starts a bar over `total` bytes that is drawn to `target` once `delay`
/// has passed, or never if the returned guard is dropped before then. With
/// `total` 0 (sizes unknown, e.g. a pipe) it is a spinner with a byte count.
pub fn start(total: u64, target: ProgressDrawTarget, delay: Duration) -> (Progress, Shown) {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(style(if total > 0 {
        "{spinner} {msg} [{bar:24}] {decimal_bytes}/{decimal_total_bytes}, {eta} left"
    } else {
        "{spinner} {msg}: {decimal_bytes} so far"
    }));
    let (stop, stopped) = mpsc::channel::<()>();
    let shown = bar.clone();
    // A thread of its own, because the slow step may be one call that
    // reports nothing until it returns (opening a large workbook).
    let waker = std::thread::spawn(move || {
        if stopped.recv_timeout(delay) == Err(mpsc::RecvTimeoutError::Timeout) {
            shown.set_draw_target(target);
            shown.enable_steady_tick(Duration::from_millis(120));
        }
    });
    (
        Progress {
            bar: Some(bar.clone()),
        },
        Shown {
            bar,
            stop: Some(stop),
            waker: Some(waker),
        },
    )
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("the templates are valid")
        .progress_chars("=> ")
}

/// The progress of reading `inputs`: a bar on stderr when it is a terminal
/// and the user did not ask for quiet, otherwise none at all. Keep the guard
/// alive for as long as the bar may be drawn.
pub fn for_inputs(inputs: &[PathBuf], quiet: bool) -> (Progress, Option<Shown>) {
    if quiet || !std::io::stderr().is_terminal() {
        return (Progress::hidden(), None);
    }
    // Pipes and missing files have no size; the bar then counts bytes only.
    let sizes: Option<u64> = inputs
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .sum();
    let (p, s) = start(sizes.unwrap_or(0), ProgressDrawTarget::stderr(), DELAY);
    (p, Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::{Arc, Mutex};

    /// A terminal that records what was drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl Screen {
        fn text(&self) -> String {
            self.0.lock().unwrap().clone()
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(&format!("{s}\n"));
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    fn wait_for(screen: &Screen, what: &str) -> bool {
        (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            screen.text().contains(what)
        })
    }

    #[test]
    fn a_long_read_shows_the_file_and_how_far_it_got() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let (p, shown) = start(4_000_000, target, Duration::ZERO);
        p.reading("national.csv");
        p.advance(1_000_000);
        assert!(
            wait_for(&screen, "Reading national.csv"),
            "{}",
            screen.text()
        );
        assert!(wait_for(&screen, "/4.00 MB"), "{}", screen.text());
        drop(shown);
    }

    #[test]
    fn a_short_read_draws_nothing() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let (p, shown) = start(4_000_000, target, Duration::from_secs(60));
        p.reading("small.csv");
        p.advance(4_000_000);
        drop(shown);
        assert_eq!(screen.text(), "");
    }
}
