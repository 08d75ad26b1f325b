//! `cargo xtask lint`: checks the spec for what the generator needs and what reviewers expect,
//! and says of each problem where it is (a JSON pointer into the spec) and how to fix it.

mod descriptions;
mod document;
mod examples;
mod json_schema;
mod layout;
mod operation_docs;
mod operation_ids;
mod references;

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::openapi;

/// The rule a problem breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The document is OpenAPI 3.0 as the generator reads it.
    Document,
    /// operationIds are present, camelCase and unique.
    OperationId,
    /// Every operation has a tag declared at the top level.
    Tag,
    /// Every operation has a summary.
    Summary,
    /// Responses and request bodies have a layout progenitor accepts.
    Layout,
    /// Every schema property has a description.
    PropertyDescription,
    /// Every `$ref` resolves.
    Reference,
    /// Every example is valid against its schema.
    Example,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Document => "document",
            Rule::OperationId => "operation-id",
            Rule::Tag => "tag",
            Rule::Summary => "summary",
            Rule::Layout => "layout",
            Rule::PropertyDescription => "property-description",
            Rule::Reference => "reference",
            Rule::Example => "example",
        }
    }
}

/// One problem in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub rule: Rule,
    /// JSON pointer to the offending value; empty for the whole document.
    pub pointer: String,
    pub message: String,
    /// What to change.
    pub fix: String,
}

impl Problem {
    fn new(
        rule: Rule,
        pointer: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Problem {
            rule,
            pointer: pointer.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = if self.pointer.is_empty() {
            "(document root)"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{location}: {} [{}]\n  fix: {}",
            self.message,
            self.rule.name(),
            self.fix
        )
    }
}

/// What the lint found in one spec.
#[derive(Debug)]
pub struct Findings {
    pub problems: Vec<Problem>,
    pub operations: usize,
    pub schemas: usize,
}

/// Lints the text of a spec. Fails only when the text is not YAML at all.
pub fn check(text: &str) -> Result<Findings> {
    let doc = openapi::parse(text)?;
    let mut problems = document::check(text, &doc);
    problems.extend(operation_ids::check(&doc));
    problems.extend(operation_docs::check(&doc));
    problems.extend(layout::check(&doc));
    problems.extend(descriptions::check(&doc));
    let broken_references = references::check(&doc);
    // Examples are checked against schemas with their references followed; while one is
    // broken, every example behind it would fail too and bury the real cause.
    if broken_references.is_empty() {
        problems.extend(examples::check(&doc));
    }
    problems.extend(broken_references);
    Ok(Findings {
        problems,
        operations: openapi::operations(&doc).len(),
        schemas: openapi::component_schemas(&doc).len(),
    })
}

/// `cargo xtask lint [--spec <path>]`: prints every problem, and fails when there is one.
pub fn run(spec: &Path) -> Result<()> {
    let text = std::fs::read_to_string(spec)
        .with_context(|| format!("cannot read the spec at {}", spec.display()))?;
    let findings = check(&text).with_context(|| format!("cannot lint {}", spec.display()))?;
    if findings.problems.is_empty() {
        println!(
            "spec is clean: {} operations, {} schemas checked",
            findings.operations, findings.schemas
        );
        return Ok(());
    }
    for problem in &findings.problems {
        println!("{problem}\n");
    }
    bail!(
        "{} problem(s) in {}; fix them as each `fix:` line says, then run `cargo xtask lint` again",
        findings.problems.len(),
        spec.display()
    )
}
