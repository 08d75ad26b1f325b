//! Reading the spec to compare against: from a git revision or from a file.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Base;
use crate::generate::SPEC_PATH;

/// The base spec's text (empty when the revision has no spec) and a Markdown label for it.
pub(super) fn read(root: &Path, base: &Base) -> Result<(String, String)> {
    match base {
        Base::File(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the base spec at {}", path.display()))?;
            Ok((text, format!("`{}`", path.display())))
        }
        Base::Revision(revision) => {
            let label = format!("`{revision}:{SPEC_PATH}`");
            Ok(match file_at_revision(root, revision, SPEC_PATH)? {
                Some(text) => (text, label),
                None => (
                    String::new(),
                    format!("{label} (absent there, so compared as an empty spec)"),
                ),
            })
        }
    }
}

/// The file at `path` as committed at `revision`; `None` when the revision has no such file.
fn file_at_revision(root: &Path, revision: &str, path: &str) -> Result<Option<String>> {
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )?;
    if !commit.status.success() {
        bail!(
            "`{revision}` is not a commit in this repository; pass a branch, tag or commit \
             (fetch it first if it is remote, e.g. `git fetch origin main` for `origin/main`)"
        );
    }
    let object = format!("{revision}:{path}");
    if !git(root, &["cat-file", "-e", &object])?.status.success() {
        return Ok(None);
    }
    let shown = git(root, &["show", &object])?;
    if !shown.status.success() {
        bail!(
            "`git show {object}` failed: {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        );
    }
    String::from_utf8(shown.stdout)
        .map(Some)
        .with_context(|| format!("{object} is not UTF-8 text"))
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("cannot run git; spec-diff --base needs git on the PATH (or use --base-file)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    #[test]
    fn an_unknown_revision_is_an_error_that_says_what_to_pass() {
        let error = file_at_revision(&workspace_root(), "no-such-revision-anywhere", SPEC_PATH)
            .unwrap_err()
            .to_string();
        assert!(error.contains("pass a branch, tag or commit"), "{error}");
    }

    #[test]
    fn a_file_absent_at_the_revision_reads_as_none() {
        let root = workspace_root();
        assert!(
            file_at_revision(&root, "HEAD", "no/such/spec.yaml")
                .unwrap()
                .is_none()
        );
        let manifest = file_at_revision(&root, "HEAD", "Cargo.toml")
            .unwrap()
            .unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
