//! Rows kept in creation order and found by id.
//!
//! Built to hold a million rows in little memory: each row is boxed (a B-tree node then
//! moves pointers, not records, and leaves no record-sized holes), and the index by id keeps
//! a hash of the id, checked against the row, rather than a second copy of it.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// A row with a public identifier.
pub(crate) trait Row {
    fn id(&self) -> &str;
}

/// The sequence numbers filed under one hash: almost always one, kept without allocating.
#[derive(Clone, Debug)]
pub(crate) enum Holders {
    One(u64),
    Many(Vec<u64>),
}

impl Holders {
    pub(crate) fn as_slice(&self) -> &[u64] {
        match self {
            Holders::One(seq) => std::slice::from_ref(seq),
            Holders::Many(seqs) => seqs,
        }
    }

    /// Adds `seq` unless it is there.
    pub(crate) fn add(&mut self, seq: u64) {
        if self.as_slice().contains(&seq) {
            return;
        }
        *self = match std::mem::replace(self, Holders::Many(Vec::new())) {
            Holders::One(first) => Holders::Many(vec![first, seq]),
            Holders::Many(mut seqs) => {
                seqs.push(seq);
                Holders::Many(seqs)
            }
        };
    }

    /// Removes `seq`; `true` when none is left.
    pub(crate) fn remove(&mut self, seq: u64) -> bool {
        match self {
            Holders::One(held) => *held == seq,
            Holders::Many(seqs) => {
                seqs.retain(|held| *held != seq);
                seqs.is_empty()
            }
        }
    }
}

/// Files `seq` under `hash` in an index of hashes.
pub(crate) fn file_under(index: &mut BTreeMap<u64, Holders>, hash: u64, seq: u64) {
    match index.get_mut(&hash) {
        Some(holders) => holders.add(seq),
        None => {
            index.insert(hash, Holders::One(seq));
        }
    }
}

/// Takes `seq` out from under `hash`, and the hash with it when nothing else is under it.
pub(crate) fn take_out(index: &mut BTreeMap<u64, Holders>, hash: u64, seq: u64) {
    if index
        .get_mut(&hash)
        .is_some_and(|holders| holders.remove(seq))
    {
        index.remove(&hash);
    }
}

/// A hash of `text` for an index that checks what it finds: SipHash with fixed keys, the
/// same in every run.
pub(crate) fn text_hash(text: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Rows in creation order (by sequence number), with an index by id.
#[derive(Debug)]
pub(crate) struct Table<T> {
    rows: BTreeMap<u64, Box<T>>,
    by_id: BTreeMap<u64, Holders>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            by_id: BTreeMap::new(),
        }
    }
}

impl<T: Row> Table<T> {
    /// Adds `row` as number `seq`; a row with the same id is replaced.
    pub(crate) fn insert(&mut self, seq: u64, row: T) {
        if let Some(previous) = self.seq_of(row.id()) {
            self.remove_seq(previous, row.id());
        }
        file_under(&mut self.by_id, text_hash(row.id()), seq);
        self.rows.insert(seq, Box::new(row));
    }

    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.seq_of(id).and_then(|seq| self.by_seq(seq))
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let seq = self.seq_of(id)?;
        self.by_seq_mut(seq)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let seq = self.seq_of(id)?;
        self.remove_seq(seq, id)
    }

    fn remove_seq(&mut self, seq: u64, id: &str) -> Option<T> {
        take_out(&mut self.by_id, text_hash(id), seq);
        self.rows.remove(&seq).map(|row| *row)
    }

    /// The sequence number of the row `id`.
    pub(crate) fn seq_of(&self, id: &str) -> Option<u64> {
        let holders = self.by_id.get(&text_hash(id))?;
        holders
            .as_slice()
            .iter()
            .copied()
            .find(|seq| self.rows.get(seq).is_some_and(|row| row.id() == id))
    }

    pub(crate) fn by_seq(&self, seq: u64) -> Option<&T> {
        self.rows.get(&seq).map(Box::as_ref)
    }

    pub(crate) fn by_seq_mut(&mut self, seq: u64) -> Option<&mut T> {
        self.rows.get_mut(&seq).map(Box::as_mut)
    }

    /// Rows numbered after `after` (all for `None`), oldest first.
    pub(crate) fn after(&self, after: Option<u64>) -> impl Iterator<Item = (u64, &T)> {
        let start = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        self.rows
            .range((start, std::ops::Bound::Unbounded))
            .map(|(seq, row)| (*seq, row.as_ref()))
    }

    /// Rows with their sequence numbers, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &T)> {
        self.rows.iter().map(|(seq, row)| (*seq, row.as_ref()))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values().map(Box::as_ref)
    }

    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.rows.values_mut().map(Box::as_mut)
    }
}
