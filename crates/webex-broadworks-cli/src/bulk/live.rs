//! One live run per journal and per input: a second `wxbw bulk` on the same journal exits
//! at once, naming the live one; a run of an input that another live run is provisioning
//! under another journal is refused unless `--force`. The locks are the operating system's
//! (advisory file locks), so they go with their process, however it ends (`kill -9` too).

use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use crate::exit::CliError;

/// The locks of a live run; dropping it (or the process ending) releases them.
#[derive(Debug)]
pub struct LiveRun {
    _journal: File,
    _input: Option<File>,
}

/// The lock file of `journal`, beside it.
pub fn journal_lock(journal: &Path) -> PathBuf {
    crate::bulk::beside(journal, ".lock")
}

/// The lock file of `input`, in the system's temporary folder, named after its absolute path
/// (the input's own folder may not be writable).
pub fn input_lock(input: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
    let mut hasher = DefaultHasher::new();
    absolute.hash(&mut hasher);
    std::env::temp_dir().join(format!("wxbw-input-{:016x}.lock", hasher.finish()))
}

/// Takes the locks of a run of `input` with `journal`, or says which live run holds them.
pub fn claim(journal: &Path, input: &Path, force: bool) -> Result<LiveRun, CliError> {
    let me = format!(
        "process {} with the journal {}",
        std::process::id(),
        journal.display()
    );
    let journal_file = lock(&journal_lock(journal), &me)?.map_err(|holder| {
        CliError::Usage(format!(
            "another run is live on the journal {} ({holder}); wait for it to end, or stop it \
             first. Nothing was sent",
            journal.display()
        ))
    })?;
    let input_file = match lock(&input_lock(input), &me)? {
        Ok(file) => Some(file),
        Err(_) if force => None,
        Err(holder) => {
            return Err(CliError::Usage(format!(
                "{} is being provisioned by another live run ({holder}); running it again \
                 under another journal would send its rows twice. Wait for it, or give \
                 --force if that is what you mean. Nothing was sent",
                input.display()
            )));
        }
    };
    Ok(LiveRun {
        _journal: journal_file,
        _input: input_file,
    })
}

/// The lock at `path`: `Ok(file)` when taken (with `who` written in it), `Err(holder)` with
/// what the live holder wrote when another process holds it.
fn lock(path: &Path, who: &str) -> Result<Result<File, String>, CliError> {
    let local =
        |error: std::io::Error| CliError::local(format!("cannot lock {}", path.display()), error);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(local)?;
    if !file.try_lock_exclusive().map_err(local)? {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        let holder = holder.trim();
        return Ok(Err(if holder.is_empty() {
            "a process that has not said which".to_string()
        } else {
            holder.to_string()
        }));
    }
    file.set_len(0).map_err(local)?;
    file.rewind().map_err(local)?;
    file.write_all(who.as_bytes()).map_err(local)?;
    file.flush().map_err(local)?;
    Ok(Ok(file))
}
