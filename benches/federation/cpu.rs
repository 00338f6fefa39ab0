//! CPU time from `/proc`: a process's user + system seconds, the whole
//! machine's busy ticks, and the local PostgreSQL server's seconds (all its
//! processes, plus the backends that already ended, which the postmaster
//! has collected). Read at the usual 100 ticks per second.

/// User + system CPU seconds of `pid` (`None`: this process) so far.
pub fn process_seconds(pid: Option<u32>) -> Option<f64> {
    let fields = stat_fields(&pid.map_or("self".to_string(), |p| p.to_string()))?;
    Some(ticks(&fields, &[11, 12]) as f64 / 100.0)
}

/// Busy and total CPU ticks of the whole machine (first line of `/proc/stat`).
pub fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = ticks.iter().sum();
    // idle and iowait are the 4th and 5th values.
    let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0);
    Some((total - idle, total))
}

/// CPU seconds of every `postgres` process on this machine, with the
/// ended children each has collected; `None` when none runs here (the
/// server is elsewhere).
pub fn postgres_seconds() -> Option<f64> {
    let mut total = 0;
    let mut found = false;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if !stat.contains("(postgres)") {
            continue;
        }
        if let Some(fields) = after_command(&stat) {
            found = true;
            total += ticks(&fields, &[11, 12, 13, 14]);
        }
    }
    found.then_some(total as f64 / 100.0)
}

/// The fields of `/proc/<pid>/stat` after the command name: state (0),
/// parent (1), …, utime (11), stime (12), cutime (13), cstime (14).
fn stat_fields(pid: &str) -> Option<Vec<String>> {
    after_command(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

fn after_command(stat: &str) -> Option<Vec<String>> {
    let rest = stat.rsplit_once(')')?.1;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

fn ticks(fields: &[String], at: &[usize]) -> u64 {
    at.iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum()
}
