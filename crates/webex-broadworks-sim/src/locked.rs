//! Locks that outlive a panic: a thread that panicked while holding one leaves state that is
//! still whole (every change under a lock is a single assignment or insertion), so the
//! simulator goes on serving rather than failing every later request.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// `mutex`, locked, whether or not an earlier holder panicked.
pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
