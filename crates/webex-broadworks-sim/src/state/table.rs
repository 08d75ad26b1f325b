//! Rows kept in creation order and found by id.

use std::collections::{BTreeMap, HashMap};

/// A row with a public identifier.
pub(crate) trait Row {
    fn id(&self) -> &str;
}

/// Rows in creation order (by sequence number), with an index by id.
#[derive(Debug)]
pub(crate) struct Table<T> {
    rows: BTreeMap<u64, T>,
    by_id: HashMap<String, u64>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            by_id: HashMap::new(),
        }
    }
}

impl<T: Row> Table<T> {
    /// Adds `row` as number `seq`; a row with the same id is replaced.
    pub(crate) fn insert(&mut self, seq: u64, row: T) {
        if let Some(previous) = self.by_id.insert(row.id().to_string(), seq) {
            self.rows.remove(&previous);
        }
        self.rows.insert(seq, row);
    }

    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).and_then(|seq| self.rows.get(seq))
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let seq = self.by_id.get(id)?;
        self.rows.get_mut(seq)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let seq = self.by_id.remove(id)?;
        self.rows.remove(&seq)
    }

    /// Rows with their sequence numbers, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &T)> {
        self.rows.iter().map(|(seq, row)| (*seq, row))
    }

    /// The sequence number of the row `id`.
    pub(crate) fn seq_of(&self, id: &str) -> Option<u64> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn by_seq(&self, seq: u64) -> Option<&T> {
        self.rows.get(&seq)
    }

    pub(crate) fn by_seq_mut(&mut self, seq: u64) -> Option<&mut T> {
        self.rows.get_mut(&seq)
    }

    /// Rows numbered after `after` (all for `None`), oldest first.
    pub(crate) fn after(&self, after: Option<u64>) -> impl Iterator<Item = (u64, &T)> {
        let start = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        self.rows
            .range((start, std::ops::Bound::Unbounded))
            .map(|(seq, row)| (*seq, row))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.rows.values_mut()
    }
}
