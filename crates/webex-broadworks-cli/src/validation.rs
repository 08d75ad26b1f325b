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

/// Every problem found in an input (the first [`Problems::KEPT`] of them word for word, the
/// rest counted). Empty means the input may be sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    kept: Vec<InputProblem>,
    /// Found beyond the first [`Problems::KEPT`].
    more: usize,
}

impl Problems {
    /// How many problems are kept word for word; a file of a million broken rows is
    /// reported by its first ones and a count.
    pub const KEPT: usize = 1_000;

    /// No problems yet.
    pub fn new() -> Self {
        Problems::default()
    }

    fn push(&mut self, problem: InputProblem) {
        if self.kept.len() < Self::KEPT {
            self.kept.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// Adds a problem of a single command's flag.
    pub fn field(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.push(InputProblem {
            row: None,
            field: field.into(),
            message: message.into(),
        });
    }

    /// Adds a problem of a bulk file's row.
    pub fn row(&mut self, row: u64, field: impl Into<String>, message: impl Into<String>) {
        self.push(InputProblem {
            row: Some(row),
            field: field.into(),
            message: message.into(),
        });
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Problems) {
        for problem in other.kept {
            self.push(problem);
        }
        self.more += other.more;
    }

    /// Orders the kept problems by row, keeping the order found within a row.
    pub fn sort_by_row(&mut self) {
        self.kept.sort_by_key(|problem| problem.row.unwrap_or(0));
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// How many problems, counted or kept.
    pub fn len(&self) -> usize {
        self.kept.len() + self.more
    }

    /// The problems kept, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &InputProblem> {
        self.kept.iter()
    }

    /// `Ok(())` when empty, else the problems as an error.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(f, "{count} {noun} found; nothing was sent:")?;
        for problem in &self.kept {
            match problem.row {
                Some(row) => write!(f, "\n  row {row}, {}: {}", problem.field, problem.message)?,
                None => write!(f, "\n  {}: {}", problem.field, problem.message)?,
            }
        }
        if self.more > 0 {
            write!(f, "\n  ... and {} more", self.more)?;
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
    fn past_the_first_thousand_problems_are_counted() {
        let mut problems = Problems::new();
        for row in 0..1_500 {
            problems.row(row, "firstName", "is required");
        }
        assert_eq!(problems.len(), 1_500);
        assert_eq!(problems.iter().count(), Problems::KEPT);
        let shown = problems.to_string();
        assert!(shown.starts_with("1500 problems found"), "{}", &shown[..40]);
        assert!(shown.ends_with("\n  ... and 500 more"));
    }

    #[test]
    fn empty_problems_are_ok() {
        assert!(Problems::new().into_result().is_ok());
    }
}
