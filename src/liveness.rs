//! Whether the process that wrote a visit lock or a crash-recovery file still runs, decided by
//! more than its pid: a pid is reused, after a reboot often at once.
//!
//! A lock or recovery file records the writer's host, pid, and on Linux the boot id
//! (`/proc/sys/kernel/random/boot_id`) and the process start time (field 22 of
//! `/proc/PID/stat`, in clock ticks since boot). The rule, in order:
//!
//! 1. Another host: [`Liveness::Unknown`] (it cannot be checked from here).
//! 2. A boot id other than this boot's: [`Liveness::NotRunning`] (the host restarted since).
//! 3. No process with that pid: [`Liveness::NotRunning`].
//! 4. A process with that pid whose start time differs from the recorded one:
//!    [`Liveness::NotRunning`] (the pid was reused).
//! 5. A process with that pid, and no start time recorded while this host can read one (a file
//!    written by an older TriggerMap, pid only): [`Liveness::Unknown`], so that a recovery copy
//!    is offered and a lock offers *Take over*.
//! 6. Otherwise (the start times match, or they cannot be read here, as on macOS or Windows, or
//!    for another user's process under `hidepid`): [`Liveness::Running`].

use std::sync::OnceLock;

/// Whether the process that wrote a lock or a recovery file still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// It runs (or it is this process).
    Running,
    /// It runs on this host no more.
    NotRunning,
    /// It ran on another host, or it was recorded by its pid alone and a process with that pid
    /// runs: this cannot be checked from here.
    Unknown,
}

/// A process as a lock or a recovery file records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedProcess<'a> {
    /// The host it ran on.
    pub host: &'a str,
    /// Its process id on that host.
    pub pid: u32,
    /// The boot id of that host when it ran (`None`: not recorded, or not known on that host).
    pub boot_id: Option<&'a str>,
    /// Its start time in clock ticks since boot (`None`: not recorded, or not known there).
    pub start_time: Option<u64>,
}

/// What this host tells about a pid now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidProbe {
    /// No process has it.
    Gone,
    /// A process has it, started at this time (`None`: cannot be read here).
    Exists {
        /// Its start time in clock ticks since boot.
        start_time: Option<u64>,
    },
    /// This host cannot tell (no way to check a process on this platform).
    CannotTell,
}

/// What this host is: its name and the id of its current boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThisHost<'a> {
    /// Its host name.
    pub host: &'a str,
    /// The id of its current boot (`None`: not known on this platform).
    pub boot_id: Option<&'a str>,
}

/// Applies the rule of the module's documentation to a recorded process, given this host and
/// what this host tells about its pid. Pure: the tests give it every case.
pub fn decide(
    recorded: RecordedProcess<'_>,
    here: ThisHost<'_>,
    probe: impl FnOnce(u32) -> PidProbe,
) -> Liveness {
    if recorded.host != here.host {
        return Liveness::Unknown;
    }
    if let (Some(then), Some(now)) = (recorded.boot_id, here.boot_id)
        && then != now
    {
        return Liveness::NotRunning;
    }
    match (probe(recorded.pid), recorded.start_time) {
        (PidProbe::Gone, _) => Liveness::NotRunning,
        (PidProbe::CannotTell, _) => Liveness::Unknown,
        (
            PidProbe::Exists {
                start_time: Some(now),
            },
            Some(then),
        ) if now != then => Liveness::NotRunning,
        (
            PidProbe::Exists {
                start_time: Some(_),
            },
            None,
        ) => Liveness::Unknown,
        (PidProbe::Exists { .. }, _) => Liveness::Running,
    }
}

/// Whether `recorded` still runs, as far as can be told from this host.
pub fn liveness(recorded: RecordedProcess<'_>) -> Liveness {
    let host = host_name();
    let here = ThisHost {
        host: &host,
        boot_id: boot_id(),
    };
    decide(recorded, here, probe_pid)
}

/// This process as a lock or recovery file records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThisProcess {
    /// The host name.
    pub host: String,
    /// The process id.
    pub pid: u32,
    /// The id of this boot (`None`: not known on this platform).
    pub boot_id: Option<String>,
    /// This process's start time in clock ticks since boot (`None`: not known here).
    pub start_time: Option<u64>,
}

impl ThisProcess {
    /// This process, now.
    pub fn get() -> Self {
        ThisProcess {
            host: host_name(),
            pid: std::process::id(),
            boot_id: boot_id().map(str::to_owned),
            start_time: own_start_time(),
        }
    }
}

/// Whether `recorded` is this very process (same host, pid, boot and start time).
pub fn is_this_process(recorded: RecordedProcess<'_>) -> bool {
    recorded.pid == std::process::id()
        && recorded.host == host_name()
        && recorded.boot_id == boot_id()
        && recorded.start_time == own_start_time()
}

/// The id of this boot of this host (Linux), read once.
pub fn boot_id() -> Option<&'static str> {
    static BOOT_ID: OnceLock<Option<String>> = OnceLock::new();
    BOOT_ID
        .get_or_init(|| {
            let text = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
            let id = text.trim();
            (!id.is_empty()).then(|| id.to_owned())
        })
        .as_deref()
}

/// This process's start time in clock ticks since boot (Linux), read once.
fn own_start_time() -> Option<u64> {
    static START: OnceLock<Option<u64>> = OnceLock::new();
    *START.get_or_init(|| start_time_of(std::process::id()))
}

/// The start time of process `pid` (Linux: field 22 of `/proc/PID/stat`).
pub fn start_time_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_start_time(&stat)
}

/// Field 22 of a `/proc/PID/stat` line. The second field, the command name in parentheses, may
/// hold spaces and parentheses itself, so fields are counted after its last `)`.
fn parse_start_time(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    // Fields from the third (state) on; the 22nd is the 20th of them.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// What this host tells about `pid` now.
fn probe_pid(pid: u32) -> PidProbe {
    if !pid_exists(pid) {
        return PidProbe::Gone;
    }
    if cfg!(unix) {
        PidProbe::Exists {
            start_time: start_time_of(pid),
        }
    } else {
        PidProbe::CannotTell
    }
}

#[cfg(unix)]
fn pid_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // Signal 0 sends nothing; it only checks that the process exists. EPERM: it exists but
    // belongs to another user.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn pid_exists(_pid: u32) -> bool {
    true
}

/// This machine's host name.
pub fn host_name() -> String {
    #[cfg(unix)]
    {
        let name = rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned();
        if !name.is_empty() {
            return name;
        }
    }
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_else(|_| "unknown-host".to_owned())
}

/// The user name this process runs as (from the user database, else the environment).
pub fn user_name() -> String {
    whoami::username()
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        })
        .unwrap_or_else(|| "unknown-user".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: ThisHost<'static> = ThisHost {
        host: "ws-1",
        boot_id: Some("boot-b"),
    };

    fn recorded(
        boot_id: Option<&'static str>,
        start_time: Option<u64>,
    ) -> RecordedProcess<'static> {
        RecordedProcess {
            host: "ws-1",
            pid: 4242,
            boot_id,
            start_time,
        }
    }

    fn exists(start_time: u64) -> impl FnOnce(u32) -> PidProbe {
        move |_| PidProbe::Exists {
            start_time: Some(start_time),
        }
    }

    #[test]
    fn the_writer_runs_only_if_boot_and_start_time_match() {
        let now = recorded(Some("boot-b"), Some(100));
        assert_eq!(decide(now, HERE, exists(100)), Liveness::Running);
        assert_eq!(
            decide(now, HERE, exists(555)),
            Liveness::NotRunning,
            "the pid was reused by another process"
        );
        assert_eq!(decide(now, HERE, |_| PidProbe::Gone), Liveness::NotRunning);
        let before_reboot = recorded(Some("boot-a"), Some(100));
        assert_eq!(
            decide(before_reboot, HERE, exists(100)),
            Liveness::NotRunning,
            "another boot: gone even if a process has the same pid and start time"
        );
    }

    #[test]
    fn another_host_cannot_be_checked() {
        let mut other = recorded(Some("boot-b"), Some(100));
        other.host = "ws-2";
        assert_eq!(decide(other, HERE, |_| PidProbe::Gone), Liveness::Unknown);
    }

    #[test]
    fn an_older_pid_only_record_is_unknown_while_its_pid_runs() {
        let old = recorded(None, None);
        assert_eq!(decide(old, HERE, exists(100)), Liveness::Unknown);
        assert_eq!(decide(old, HERE, |_| PidProbe::Gone), Liveness::NotRunning);
    }

    #[test]
    fn where_start_times_cannot_be_read_the_pid_decides() {
        let mac = ThisHost {
            host: "ws-1",
            boot_id: None,
        };
        let probe = |_| PidProbe::Exists { start_time: None };
        assert_eq!(decide(recorded(None, None), mac, probe), Liveness::Running);
        assert_eq!(
            decide(recorded(Some("boot-b"), Some(100)), HERE, probe),
            Liveness::Running,
            "another user's process under hidepid"
        );
    }

    #[test]
    fn start_time_is_field_22_even_with_parentheses_in_the_name() {
        let stat =
            "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 1";
        assert_eq!(parse_start_time(stat), Some(987_654));
        assert_eq!(parse_start_time("4242 (x) S 1"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_recognised_and_a_wrong_start_time_is_not() {
        let this = ThisProcess::get();
        assert!(this.boot_id.is_some() && this.start_time.is_some());
        let me = RecordedProcess {
            host: &this.host,
            pid: this.pid,
            boot_id: this.boot_id.as_deref(),
            start_time: this.start_time,
        };
        assert!(is_this_process(me));
        assert_eq!(liveness(me), Liveness::Running);
        let impostor = RecordedProcess {
            start_time: this.start_time.map(|s| s + 1),
            ..me
        };
        assert!(!is_this_process(impostor));
        assert_eq!(liveness(impostor), Liveness::NotRunning);
    }
}
