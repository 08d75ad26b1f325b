//! `cargo xtask spec-diff`: what a change to the spec means, as Markdown for a pull request.
//!
//! Each change is classified twice: whether it breaks callers of the Rust crates (the
//! generated API changes under them), and whether it breaks on the wire (a request or
//! response that was valid under the base description can fail under the new one). The
//! report ends with the generated items that change and the snapshots that show them.

mod base;
mod change;
mod markdown;
mod operations;
mod parameters;
mod request_bodies;
mod schemas;
mod shape;
mod usage;

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::generate::SPEC_PATH;
use crate::{openapi, workspace_root};

/// Where the spec to compare against comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `openapi/webex-broadworks.yaml` at a git revision; absent there, it counts as empty.
    Revision(String),
    /// A spec file.
    File(PathBuf),
}

/// `cargo xtask spec-diff` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub base: Base,
    /// Exit non-zero when any change is breaking, for the Rust API or on the wire.
    pub fail_on_breaking: bool,
}

/// The part of a pull request description a change goes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Operations,
    Parameters,
    RequestBodies,
    Schemas,
}

/// One change between the base spec and the new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub section: Section,
    /// The operation or schema that changed, as Markdown.
    pub subject: String,
    /// What changed, as Markdown.
    pub what: String,
    /// Code that uses the generated crate can stop compiling or start failing.
    pub breaks_rust: bool,
    /// A request or response valid under the base description can fail under the new one.
    pub breaks_wire: bool,
}

/// What happens to a generated item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fate {
    Changed,
    Added,
    Removed,
}

/// A generated item a reviewer should look at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Affected {
    /// The `Client` method and request builder of an operation.
    Operation { operation_id: String, fate: Fate },
    /// The type of a component schema.
    Type { schema: String, fate: Fate },
}

/// Every change between two specs.
#[derive(Debug, Default)]
pub struct Report {
    pub changes: Vec<Change>,
    pub affected: BTreeSet<Affected>,
}

impl Report {
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaks_rust || c.breaks_wire)
    }

    /// The report as Markdown; `base_label` names what the new spec was compared with.
    pub fn to_markdown(&self, base_label: &str) -> String {
        markdown::render(self, base_label)
    }
}

/// Compares two specs, each a parsed document (`null` for an absent one).
pub fn diff(base: &Value, head: &Value) -> Report {
    let mut report = Report::default();
    operations::diff(base, head, &mut report);
    schemas::diff_components(base, head, &mut report);
    report
}

/// `cargo xtask spec-diff`: prints the Markdown report of the working tree's spec against the base.
pub fn run(options: &Options) -> Result<()> {
    let root = workspace_root();
    let (base_text, base_label) = base::read(&root, &options.base)?;
    let head_path = root.join(SPEC_PATH);
    let head_text = std::fs::read_to_string(&head_path)
        .with_context(|| format!("cannot read the spec at {}", head_path.display()))?;
    let base = openapi::parse(&base_text).with_context(|| format!("cannot read {base_label}"))?;
    let head = openapi::parse(&head_text).with_context(|| format!("cannot read {SPEC_PATH}"))?;
    let report = diff(&base, &head);
    print!("{}", report.to_markdown(&base_label));
    if options.fail_on_breaking && report.has_breaking() {
        bail!(
            "the spec has breaking changes (see the report above); if they are intended, say so \
             in the pull request and run without --fail-on-breaking"
        );
    }
    Ok(())
}
