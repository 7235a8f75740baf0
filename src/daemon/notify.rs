//! Talking to systemd through `sd_notify`: readiness, status, watchdog, reload and stop.
//!
//! Every message is a no-op when `NOTIFY_SOCKET` is unset (started from a shell or a test
//! without a socket), and a failed send is logged, never fatal: a daemon that keeps
//! crawling while its supervisor briefly cannot be reached is better than one that dies.
//!
//! The watchdog is deliberately *not* pinged from a timer of its own. [`Notifier::watchdog`]
//! is called by the scheduler loop, so if that loop hangs the pings stop and systemd
//! restarts the service, which a side thread that pings forever could never achieve.

use std::time::Duration;

use sd_notify::NotifyState;

/// Sends state changes to the service manager.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// `NOTIFY_SOCKET` was set when the daemon started.
    enabled: bool,
    /// How often the watchdog wants a ping: half of `WATCHDOG_USEC`, when it applies to us.
    watchdog_interval: Option<Duration>,
}

impl Notifier {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment.
    pub fn from_env() -> Self {
        let enabled = std::env::var_os("NOTIFY_SOCKET").is_some_and(|s| !s.is_empty());
        let watchdog_interval = watchdog_interval(
            std::env::var("WATCHDOG_USEC").ok().as_deref(),
            std::env::var("WATCHDOG_PID").ok().as_deref(),
            std::process::id(),
        );
        if enabled {
            tracing::debug!(
                watchdog_interval_ms = watchdog_interval.map(|d| d.as_millis() as u64),
                "systemd notification socket found"
            );
        }
        Notifier {
            enabled,
            watchdog_interval,
        }
    }

    /// A notifier that never sends anything.
    pub fn disabled() -> Self {
        Notifier {
            enabled: false,
            watchdog_interval: None,
        }
    }

    /// True when messages go to a service manager.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// How often [`Notifier::watchdog`] must be called, if systemd's watchdog is on.
    pub fn watchdog_interval(&self) -> Option<Duration> {
        if self.enabled {
            self.watchdog_interval
        } else {
            None
        }
    }

    /// `READY=1` with a status line: startup (or a reload) is complete.
    pub fn ready(&self, status: &str) {
        self.send(&[NotifyState::Ready, NotifyState::Status(status)]);
    }

    /// `STATUS=…`: a one-line summary shown by `systemctl status`.
    pub fn status(&self, status: &str) {
        self.send(&[NotifyState::Status(status)]);
    }

    /// `WATCHDOG=1`: the scheduler loop is alive.
    pub fn watchdog(&self) {
        if self.watchdog_interval().is_some() {
            self.send(&[NotifyState::Watchdog]);
        }
    }

    /// `RELOADING=1` with `MONOTONIC_USEC` (which systemd ≥ 253 requires to match the reload
    /// to its request); [`Notifier::ready`] ends the reload.
    pub fn reloading(&self) {
        if !self.enabled {
            return;
        }
        match NotifyState::monotonic_usec_now() {
            Ok(now) => self.send(&[
                NotifyState::Reloading,
                now,
                NotifyState::Status("reloading configuration"),
            ]),
            Err(e) => {
                tracing::debug!(error = %e, "cannot read the monotonic clock for MONOTONIC_USEC");
                self.send(&[
                    NotifyState::Reloading,
                    NotifyState::Status("reloading configuration"),
                ]);
            }
        }
    }

    /// `STOPPING=1`: shutdown has begun.
    pub fn stopping(&self, status: &str) {
        self.send(&[NotifyState::Stopping, NotifyState::Status(status)]);
    }

    fn send(&self, states: &[NotifyState<'_>]) {
        if !self.enabled {
            return;
        }
        if let Err(e) = sd_notify::notify(false, states) {
            let message: Vec<String> = states.iter().map(|s| s.to_string()).collect();
            tracing::warn!(error = %e, message = %message.join(" "), "cannot notify systemd");
        }
    }
}

/// Half the watchdog period, when `WATCHDOG_USEC` is set and `WATCHDOG_PID` (if set) is us.
///
/// Same rule as libsystemd's `sd_watchdog_enabled`: a missing `WATCHDOG_PID` means the
/// watchdog is ours (the `sd-notify` crate insists on it, which would ignore a manager that
/// leaves it out).
fn watchdog_interval(usec: Option<&str>, pid: Option<&str>, own_pid: u32) -> Option<Duration> {
    let usec: u64 = usec?.trim().parse().ok().filter(|&u| u > 0)?;
    if let Some(pid) = pid {
        let pid: u32 = pid.trim().parse().ok()?;
        if pid != own_pid {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchdog_interval_is_half_the_period() {
        assert_eq!(
            watchdog_interval(Some("30000000"), None, 7),
            Some(Duration::from_secs(15))
        );
        assert_eq!(
            watchdog_interval(Some("400000"), Some("7"), 7),
            Some(Duration::from_millis(200))
        );
    }

    #[test]
    fn watchdog_for_another_process_or_garbage_is_ignored() {
        assert_eq!(watchdog_interval(Some("30000000"), Some("8"), 7), None);
        assert_eq!(watchdog_interval(Some("soon"), None, 7), None);
        assert_eq!(watchdog_interval(Some("0"), None, 7), None);
        assert_eq!(watchdog_interval(None, Some("7"), 7), None);
        assert_eq!(watchdog_interval(Some("1000"), Some("x"), 7), None);
    }

    #[test]
    fn disabled_notifier_has_no_watchdog_and_sends_nothing() {
        let n = Notifier {
            enabled: false,
            watchdog_interval: Some(Duration::from_secs(1)),
        };
        assert_eq!(n.watchdog_interval(), None);
        // No socket: these must be silent no-ops rather than errors or panics.
        n.ready("ready");
        n.watchdog();
        n.reloading();
        n.stopping("stopping");
    }
}
