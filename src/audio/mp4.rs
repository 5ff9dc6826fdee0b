//! The MP4 edit list (AAC priming and padding), which symphonia 0.5 reads but does not apply:
//! `moov/trak/edts/elst` of the first sound track, read straight from the file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

fn be_u32(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(o..o + 4)?.try_into().ok()?))
}
fn be_u64(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// Iterate the boxes in `b`: (type, body).
fn boxes(b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let size = be_u32(b, pos)? as usize;
        let kind: [u8; 4] = b.get(pos + 4..pos + 8)?.try_into().ok()?;
        let (hdr, size) = match size {
            1 => (16, be_u64(b, pos + 8)? as usize),
            0 => (8, b.len() - pos),
            s => (8, s),
        };
        if size < hdr || pos + size > b.len() {
            return None;
        }
        let body = &b[pos + hdr..pos + size];
        pos += size;
        Some((kind, body))
    })
}

/// (priming in media time units, playable length in media time units) of the first sound track.
pub(crate) fn mp4_edit(path: &Path) -> Option<(u64, Option<u64>)> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let mut pos = 0u64;
    let moov = loop {
        if pos + 8 > len {
            return None;
        }
        let mut h = [0u8; 16];
        f.seek(SeekFrom::Start(pos)).ok()?;
        f.read_exact(&mut h[..8]).ok()?;
        let mut size = u32::from_be_bytes(h[0..4].try_into().ok()?) as u64;
        let mut hdr = 8;
        if size == 1 {
            f.read_exact(&mut h[8..16]).ok()?;
            size = u64::from_be_bytes(h[8..16].try_into().ok()?);
            hdr = 16;
        } else if size == 0 {
            size = len - pos;
        }
        if &h[4..8] == b"moov" {
            let mut body = vec![0u8; (size - hdr).min(64 << 20) as usize];
            f.read_exact(&mut body).ok()?;
            break body;
        }
        if size < 8 {
            return None;
        }
        pos += size;
    };
    let mut movie_ts = 0u32;
    for (kind, body) in boxes(&moov) {
        if &kind == b"mvhd" {
            movie_ts = if body.first() == Some(&1) { be_u32(body, 20)? } else { be_u32(body, 12)? };
        }
    }
    for (kind, trak) in boxes(&moov) {
        if &kind != b"trak" {
            continue;
        }
        let mut media_ts = 0u32;
        let mut sound = false;
        let mut edit: Option<(u64, u64)> = None;
        for (k, body) in boxes(trak) {
            match &k {
                b"mdia" => {
                    for (k2, b2) in boxes(body) {
                        if &k2 == b"mdhd" {
                            media_ts = if b2.first() == Some(&1) { be_u32(b2, 20)? } else { be_u32(b2, 12)? };
                        }
                        if &k2 == b"hdlr" && b2.get(8..12) == Some(b"soun") {
                            sound = true;
                        }
                    }
                }
                b"edts" => {
                    for (k2, b2) in boxes(body) {
                        if &k2 != b"elst" {
                            continue;
                        }
                        let v1 = b2.first() == Some(&1);
                        let n = be_u32(b2, 4)? as usize;
                        let esz = if v1 { 20 } else { 12 };
                        for i in 0..n {
                            let o = 8 + i * esz;
                            let (dur, mt) = if v1 {
                                (be_u64(b2, o)?, be_u64(b2, o + 8)? as i64)
                            } else {
                                (be_u32(b2, o)? as u64, be_u32(b2, o + 4)? as i32 as i64)
                            };
                            if mt >= 0 {
                                edit = Some((mt as u64, dur));
                                break;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if sound {
            let (mt, dur) = edit?;
            let length = (movie_ts > 0 && dur > 0).then(|| (dur as u128 * media_ts as u128 / movie_ts as u128) as u64);
            return Some((mt, length));
        }
    }
    None
}
