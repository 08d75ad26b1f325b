//! Project automation behind `cargo xtask`: code generation from the spec, the spec lint, the
//! spec diff for pull requests and the dependency check.

pub mod check;
pub mod deps;
pub mod generate;
pub mod lint;
pub mod naming;
pub mod openapi;
pub mod spec_diff;

use std::path::PathBuf;

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
