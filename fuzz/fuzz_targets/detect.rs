#![no_main]

use libfuzzer_sys::fuzz_target;
use turnfix::formats::{ReadError, detect, read_bytes};

// Detection, then the reader it picks: Ok or an error that names the file, never a panic.
fuzz_target!(|data: &[u8]| {
    let format = detect(data);
    match read_bytes(data, "fuzz", None) {
        Ok(import) => {
            assert_eq!(import.format, format);
            assert!(!import.doc.turns.is_empty());
        }
        Err(ReadError::Unusable { file, .. }) | Err(ReadError::Io { file, .. }) => assert_eq!(file, "fuzz"),
    }
});
