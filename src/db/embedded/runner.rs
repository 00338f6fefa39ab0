//! The operating-system user who runs the embedded cluster. PostgreSQL
//! refuses to run as root, so a root `guildhall` runs it as the `postgres`
//! system user (Debian's package creates it), or `nobody` when there is
//! none; anyone else runs it as themselves.

use super::refusal::Refusal;
use nix::{
    sys::signal::kill,
    unistd::{Pid, User, getegid, geteuid},
};
use std::{
    os::unix::{fs::MetadataExt, process::CommandExt},
    path::Path,
    process::Command,
};

/// Who runs the cluster's programs.
#[derive(Debug, Clone)]
pub struct Runner {
    uid: u32,
    gid: u32,
    /// The user's name, for messages.
    pub name: String,
    /// True when we are root and switch to `uid` for every program.
    switches: bool,
}

impl Runner {
    /// The runner for this process.
    pub fn for_this_process() -> Result<Runner, Refusal> {
        let euid = geteuid();
        if !euid.is_root() {
            let name = User::from_uid(euid)
                .ok()
                .flatten()
                .map_or_else(|| euid.to_string(), |user| user.name);
            return Ok(Runner {
                uid: euid.as_raw(),
                gid: getegid().as_raw(),
                name,
                switches: false,
            });
        }
        ["postgres", "nobody"]
            .into_iter()
            .find_map(|name| User::from_name(name).ok().flatten())
            .map(|user| Runner {
                uid: user.uid.as_raw(),
                gid: user.gid.as_raw(),
                name: user.name,
                switches: true,
            })
            .ok_or(Refusal::NoServiceUser)
    }

    /// `program`, to be run as this user (std drops root's extra groups
    /// when it switches the user id) with PostgreSQL's environment cleared.
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        if self.switches {
            cmd.uid(self.uid).gid(self.gid);
        }
        for var in ["PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGOPTIONS"] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Gives `path` to this user (when we are root and it is not ours yet).
    pub fn take(&self, path: &Path) -> std::io::Result<()> {
        if self.switches {
            std::os::unix::fs::chown(path, Some(self.uid), Some(self.gid))?;
        }
        Ok(())
    }

    /// Refuses a folder that belongs to someone else.
    pub fn check_owner(&self, dir: &Path) -> Result<(), Refusal> {
        let owner = std::fs::metadata(dir).map(|meta| meta.uid()).ok();
        match owner {
            Some(owner) if owner != self.uid => Err(Refusal::OwnedByOther {
                dir: dir.to_path_buf(),
                owner,
                runner: self.name.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// True when a process with this id exists (whoever owns it).
pub fn process_alive(pid: i32) -> bool {
    pid > 0
        && matches!(
            kill(Pid::from_raw(pid), None),
            Ok(()) | Err(nix::errno::Errno::EPERM)
        )
}
