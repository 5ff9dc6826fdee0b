#![no_main]

use libfuzzer_sys::fuzz_target;
use turnfix::formats::{Format, ReadError, read_bytes};

// Any bytes read as OtterTxt: Ok or an error that names the file, never a panic.
fuzz_target!(|data: &[u8]| {
    match read_bytes(data, "fuzz", Some(Format::OtterTxt)) {
        Ok(import) => assert!(!import.doc.turns.is_empty()),
        Err(ReadError::Unusable { file, .. }) | Err(ReadError::Io { file, .. }) => assert_eq!(file, "fuzz"),
    }
});
