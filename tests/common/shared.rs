//! Where the tests and benches find `../shared` (the fixtures and corpus beside the project).
//! Included with `#[path]` by each test and bench that needs it.

use std::path::{Path, PathBuf};

/// `../shared/<rel>` when it exists; otherwise says what is skipped and returns None.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}
