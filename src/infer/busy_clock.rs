//! Wall time during which at least one thread is inside some section (here: ONNX Runtime's `run`).
//!
//! Summing each thread's time in the section would count overlapping lanes twice and could exceed
//! the wall clock; the benchmark's "share of time outside ONNX" needs the union of the intervals.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct BusyClock {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    inside: usize,
    since: Option<Instant>,
    total: Duration,
}

impl BusyClock {
    /// Enter the section; leaving happens when the guard is dropped (also on an early return).
    pub fn enter(&self) -> BusyGuard<'_> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.inside == 0 {
            state.since = Some(Instant::now());
        }
        state.inside += 1;
        BusyGuard { clock: self }
    }

    /// Seconds with at least one thread inside, completed intervals only.
    pub fn seconds(&self) -> f64 {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).total.as_secs_f64()
    }
}

pub struct BusyGuard<'a> {
    clock: &'a BusyClock,
}

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.clock.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.inside -= 1;
        if state.inside == 0 {
            if let Some(since) = state.since.take() {
                state.total += since.elapsed();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_intervals_count_once() {
        let clock = BusyClock::default();
        let started = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    let _inside = clock.enter();
                    std::thread::sleep(Duration::from_millis(60));
                });
            }
        });
        let wall = started.elapsed().as_secs_f64();
        let busy = clock.seconds();
        // Two 60 ms sleeps side by side: about 60 ms busy, never the 120 ms a plain sum gives.
        assert!(busy >= 0.059 && busy <= wall, "busy {busy} s, wall {wall} s");
    }

    #[test]
    fn an_early_exit_still_leaves() {
        let clock = BusyClock::default();
        let failing = || -> Result<(), ()> {
            let _inside = clock.enter();
            Err(())
        };
        assert!(failing().is_err());
        let _again = clock.enter();
        drop(_again);
        assert!(clock.seconds() < 1.0);
        assert_eq!(clock.state.lock().unwrap().inside, 0);
    }
}
