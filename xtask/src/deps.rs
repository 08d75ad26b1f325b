//! `cargo xtask deps`: every dependency comes from crates.io under a licence we accept.
//!
//! It reads `cargo metadata` (the lock file, no network) and checks each package that is not
//! a workspace member: its source is the crates.io registry, and its SPDX licence
//! expression can be satisfied with the licences of [`ALLOWED`]. Security advisories are
//! not checked here: that needs the RustSec database, which is fetched from GitHub.

use std::process::Command;

use anyhow::{Context, bail};
use serde_json::Value;

/// Licences a dependency may be used under: permissive, or (MPL-2.0) copyleft per file only,
/// which binds changes to those files and nothing of ours.
pub const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unlicense",
    "CC0-1.0",
    "CDLA-Permissive-2.0",
    "MPL-2.0",
];

/// Packages that state their licence in a file rather than an SPDX expression: what the
/// file says, as read when the package was added.
pub const LICENCE_FILES: &[(&str, &str)] = &[("stringmetrics", "Apache-2.0")];

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// Runs the check on the workspace's lock file.
pub fn run() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(crate::workspace_root())
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .context("could not run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let problems = check(&metadata);
    let checked = dependencies(&metadata).count();
    if problems.is_empty() {
        println!(
            "dependencies are clean: {checked} packages from crates.io under accepted licences"
        );
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    bail!(
        "{} of {checked} dependencies need attention",
        problems.len()
    )
}

/// Every package of the metadata that is not a workspace member.
fn dependencies(metadata: &Value) -> impl Iterator<Item = &Value> {
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |package| {
            package["id"]
                .as_str()
                .is_none_or(|id| !members.contains(&id))
        })
}

/// One line per problem, naming the package and what to do.
pub fn check(metadata: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for package in dependencies(metadata) {
        let name = package["name"].as_str().unwrap_or("?");
        let version = package["version"].as_str().unwrap_or("?");
        match package["source"].as_str() {
            Some(CRATES_IO) => {}
            other => problems.push(format!(
                "{name} {version}: comes from {} rather than crates.io; publish it or vendor it \
                 into the workspace",
                other.unwrap_or("a path outside the workspace")
            )),
        }
        let licence = package["license"].as_str().or_else(|| {
            LICENCE_FILES
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, licence)| *licence)
        });
        match licence {
            None => problems.push(format!(
                "{name} {version}: states no SPDX licence; read its licence file and, if it is \
                 acceptable, add it to LICENCE_FILES in xtask/src/deps.rs"
            )),
            Some(expression) => match satisfiable(expression) {
                Ok(true) => {}
                Ok(false) => problems.push(format!(
                    "{name} {version}: licence `{expression}` offers none of the accepted \
                     licences; replace the dependency, or accept the licence in ALLOWED after review"
                )),
                Err(why) => problems.push(format!(
                    "{name} {version}: licence `{expression}` cannot be read ({why})"
                )),
            },
        }
    }
    problems
}

/// Whether an SPDX expression can be met using only [`ALLOWED`] licences. Accepts the old
/// `/` separator as `OR`.
pub fn satisfiable(expression: &str) -> Result<bool, String> {
    let tokens = tokenize(expression);
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
    };
    let value = parser.or()?;
    if parser.at != tokens.len() {
        return Err(format!("unexpected `{}`", tokens[parser.at]));
    }
    Ok(value)
}

fn tokenize(expression: &str) -> Vec<String> {
    expression
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

struct Parser<'a> {
    tokens: &'a [String],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.peek() == Some("OR") {
            self.at += 1;
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.term()?;
        while self.peek() == Some("AND") {
            self.at += 1;
            value &= self.term()?;
        }
        Ok(value)
    }

    fn term(&mut self) -> Result<bool, String> {
        match self.peek() {
            Some("(") => {
                self.at += 1;
                let value = self.or()?;
                if self.peek() != Some(")") {
                    return Err("a parenthesis is not closed".into());
                }
                self.at += 1;
                Ok(value)
            }
            Some(id) if !matches!(id, ")" | "AND" | "OR" | "WITH") => {
                let mut licence = id.to_string();
                self.at += 1;
                if self.peek() == Some("WITH") {
                    let exception = self
                        .tokens
                        .get(self.at + 1)
                        .ok_or("WITH names no exception")?;
                    licence = format!("{licence} WITH {exception}");
                    self.at += 2;
                }
                Ok(ALLOWED.contains(&licence.as_str()))
            }
            Some(other) => Err(format!("unexpected `{other}`")),
            None => Err("the expression ends too early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn expressions_are_met_by_any_allowed_choice() {
        assert_eq!(satisfiable("MIT OR Apache-2.0"), Ok(true));
        assert_eq!(satisfiable("MIT/Apache-2.0"), Ok(true));
        assert_eq!(satisfiable("GPL-3.0-only OR MIT"), Ok(true));
        assert_eq!(satisfiable("GPL-3.0-only"), Ok(false));
        assert_eq!(satisfiable("MIT AND GPL-3.0-only"), Ok(false));
        assert_eq!(
            satisfiable("ISC AND (Apache-2.0 OR ISC) AND (MIT OR GPL-2.0-only)"),
            Ok(true)
        );
        assert_eq!(
            satisfiable("Apache-2.0 WITH LLVM-exception OR GPL-2.0-only"),
            Ok(true)
        );
        assert_eq!(
            satisfiable("GPL-2.0-only WITH Classpath-exception-2.0"),
            Ok(false)
        );
        assert!(satisfiable("(MIT OR").is_err());
        assert!(satisfiable("MIT Apache-2.0").is_err());
    }

    #[test]
    fn packages_off_crates_io_or_under_other_licences_are_named() {
        let metadata = json!({
            "workspace_members": ["ours"],
            "packages": [
                {"id": "ours", "name": "ours", "version": "1.0.0", "license": null, "source": null},
                {"id": "a", "name": "fine", "version": "1.0.0", "license": "MIT", "source": CRATES_IO},
                {"id": "b", "name": "copyleft", "version": "2.0.0", "license": "AGPL-3.0-only", "source": CRATES_IO},
                {"id": "c", "name": "from-git", "version": "0.1.0", "license": "MIT",
                 "source": "git+https://example.invalid/repo#abc"},
                {"id": "d", "name": "unstated", "version": "0.3.0", "license": null, "source": CRATES_IO},
                {"id": "e", "name": "stringmetrics", "version": "2.2.2", "license": null, "source": CRATES_IO}
            ]
        });
        let problems = check(&metadata);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("copyleft 2.0.0: licence `AGPL-3.0-only`"));
        assert!(problems[1].starts_with("from-git 0.1.0: comes from git+https://"));
        assert!(problems[2].starts_with("unstated 0.3.0: states no SPDX licence"));
    }
}
