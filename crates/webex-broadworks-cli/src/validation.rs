//! Problems found in the input before anything is sent, reported all at once.

use std::fmt;

/// One problem: where (a row of a bulk file, if any), which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    /// The row of the input file (its line number, the header being line 1), if any.
    pub row: Option<u64>,
    /// The field: a flag (`--first-name`) or a column (`firstName`).
    pub field: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

/// Every problem found in an input. Empty means the input may be sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(Vec<InputProblem>);

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Problems::default()
    }

    /// Adds a problem of a single command's flag.
    pub fn field(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(InputProblem {
            row: None,
            field: field.into(),
            message: message.into(),
        });
    }

    /// Adds a problem of a bulk file's row.
    pub fn row(&mut self, row: u64, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(InputProblem {
            row: Some(row),
            field: field.into(),
            message: message.into(),
        });
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    /// Orders the problems by row, keeping the order found within a row.
    pub fn sort_by_row(&mut self) {
        self.0.sort_by_key(|problem| problem.row.unwrap_or(0));
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &InputProblem> {
        self.0.iter()
    }

    /// `Ok(())` when empty, else the problems as an error.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(f, "{count} {noun} found; nothing was sent:")?;
        for problem in &self.0 {
            match problem.row {
                Some(row) => write!(f, "\n  row {row}, {}: {}", problem.field, problem.message)?,
                None => write!(f, "\n  {}: {}", problem.field, problem.message)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lists_every_problem_with_its_row_and_field() {
        let mut problems = Problems::new();
        problems.row(3, "firstName", "is required");
        problems.row(7, "package", "'gold' is not a package");
        problems.field("--user-id", "is required");
        assert_eq!(
            problems.to_string(),
            "3 problems found; nothing was sent:\n  row 3, firstName: is required\n  \
             row 7, package: 'gold' is not a package\n  --user-id: is required"
        );
    }

    #[test]
    fn empty_problems_are_ok() {
        assert!(Problems::new().into_result().is_ok());
    }
}
