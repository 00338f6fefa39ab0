//! Finding the system's PostgreSQL programs (`initdb`, `pg_ctl`): on `PATH`
//! first, then in Debian's `/usr/lib/postgresql/<major>/bin`, and the major
//! version each set belongs to.

use super::refusal::Refusal;
use std::path::{Path, PathBuf};

/// One installed set of PostgreSQL server programs.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// The directory holding `initdb` and `pg_ctl`.
    pub dir: PathBuf,
    /// The major version (`15`, `16`, …).
    pub major: u32,
}

impl Binaries {
    /// The path of the program `name` in this set.
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Every installed set, `PATH` first, then Debian's folders newest first.
pub fn installed() -> Vec<Binaries> {
    let from_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    debian.sort_by_key(|dir| std::cmp::Reverse(major_of_debian_dir(dir)));
    let mut found: Vec<Binaries> = Vec::new();
    for dir in from_path.into_iter().chain(debian) {
        if !dir.join("initdb").is_file() || !dir.join("pg_ctl").is_file() {
            continue;
        }
        // The folder pg_ctl really lives in (PATH may hold symlinks to it),
        // where its companions (postgres, psql) are too.
        let real = dir
            .join("pg_ctl")
            .canonicalize()
            .ok()
            .and_then(|pg_ctl| pg_ctl.parent().map(Path::to_path_buf))
            .unwrap_or(dir);
        let Some(major) = major_of_debian_dir(&real).or_else(|| major_reported_by(&real)) else {
            continue;
        };
        let canonical = real;
        if !found.iter().any(|known| known.dir == canonical) {
            found.push(Binaries {
                dir: canonical,
                major,
            });
        }
    }
    found
}

/// The set to run a cluster of major version `cluster` with (any set for a
/// new cluster), or why there is none.
pub fn choose(cluster: Option<u32>) -> Result<Binaries, Refusal> {
    let sets = installed();
    if sets.is_empty() {
        return Err(Refusal::NoBinaries);
    }
    match cluster {
        None => Ok(sets[0].clone()),
        Some(wanted) => sets
            .iter()
            .find(|set| set.major == wanted)
            .cloned()
            .ok_or_else(|| Refusal::OtherVersion {
                cluster: wanted,
                installed: sets.iter().map(|set| set.major).collect(),
            }),
    }
}

/// `15` for `/usr/lib/postgresql/15/bin` (the real path, through symlinks).
fn major_of_debian_dir(dir: &Path) -> Option<u32> {
    let real = dir.canonicalize().ok()?;
    let mut parts = real.iter().rev();
    if parts.next()? != "bin" {
        return None;
    }
    let major = parts.next()?.to_str()?.parse().ok()?;
    (parts.next()? == "postgresql").then_some(major)
}

/// The major version `pg_ctl --version` reports ("pg_ctl (PostgreSQL) 15.4").
fn major_reported_by(dir: &Path) -> Option<u32> {
    let out = std::process::Command::new(dir.join("pg_ctl"))
        .arg("--version")
        .output()
        .ok()?;
    parse_major(&String::from_utf8_lossy(&out.stdout))
}

/// The major version in a `--version` line: `15` of "15.4", `9` of "9.6.2".
fn parse_major(version_line: &str) -> Option<u32> {
    let version = version_line.split(')').nth(1)?.split_whitespace().next()?;
    version.split('.').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_major;

    #[test]
    fn reads_the_major_version_of_a_version_line() {
        assert_eq!(
            parse_major("pg_ctl (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(parse_major("pg_ctl (PostgreSQL) 17beta1"), None);
        assert_eq!(parse_major("something else"), None);
    }
}
