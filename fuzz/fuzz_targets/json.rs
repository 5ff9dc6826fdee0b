#![no_main]

use libfuzzer_sys::fuzz_target;
use turnfix::formats::{Format, ReadError, read_bytes};

// Any bytes read as Turnfix JSON: Ok (possibly with no turns) or an error that names the
// file, never a panic.
fuzz_target!(|data: &[u8]| {
    match read_bytes(data, "fuzz", Some(Format::Json)) {
        Ok(_) => {}
        Err(ReadError::Unusable { file, .. }) | Err(ReadError::Io { file, .. }) => assert_eq!(file, "fuzz"),
    }
});
