//! The fields a command line gave, by their wire names, and required flags.

use crate::validation::Problems;

/// The fields a command line gave, by their wire names; flags left out are absent.
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(&'static str, String)>);

impl<const N: usize> From<[(&'static str, Option<String>); N]> for Fields {
    fn from(fields: [(&'static str, Option<String>); N]) -> Self {
        Fields(
            fields
                .into_iter()
                .filter_map(|(name, value)| value.map(|value| (name, value)))
                .collect(),
        )
    }
}

impl Fields {
    /// The fields of these wire names and values.
    pub fn from_pairs(pairs: Vec<(&'static str, String)>) -> Self {
        Fields(pairs)
    }

    /// The value given for `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.clone())
    }

    /// Whether no field was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The value of a required flag, or a problem naming it.
pub fn required(problems: &mut Problems, flag: &str, value: Option<String>) -> String {
    match value {
        Some(value) if !value.trim().is_empty() => value,
        _ => {
            problems.field(flag, "is required");
            String::new()
        }
    }
}
