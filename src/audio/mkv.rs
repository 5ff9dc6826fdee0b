//! What symphonia 0.5's Matroska reader does not pass on: the audio tracks' CodecID (to name a
//! codec it does not map) and CodecDelay (the encoder delay, e.g. AAC's priming). Read from the
//! `Tracks` element with a bounded walk of the file's EBML (at most the first 16 MiB).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

// Matroska element IDs (with their length marker), the one list: `vorbis_mkv` walks blocks
// with the same ones.
pub(super) const EBML: u32 = 0x1A45_DFA3;
pub(super) const SEGMENT: u32 = 0x1853_8067;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_DELAY: u32 = 0x56AA;
pub(super) const CLUSTER: u32 = 0x1F43_B675;
pub(super) const BLOCK_GROUP: u32 = 0xA0;
pub(super) const BLOCK: u32 = 0xA1;
pub(super) const SIMPLE_BLOCK: u32 = 0xA3;

/// One audio track entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MkvAudioTrack {
    pub number: u64,
    pub codec_id: String,
    /// CodecDelay in ns.
    pub codec_delay_ns: u64,
}

/// Read an EBML variable-length integer; with `keep_marker` the length marker bit is kept
/// (element IDs), else removed (sizes). Returns (value, length); an all-ones size is "unknown".
pub(super) fn vint(b: &[u8], keep_marker: bool) -> Option<(u64, usize)> {
    let first = *b.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || b.len() < len {
        return None;
    }
    let mut v = if keep_marker { first as u64 } else { (first as u64) & (0xFF >> len) };
    for &x in &b[1..len] {
        v = (v << 8) | x as u64;
    }
    Some((v, len))
}

/// (id, data start, data size) of the element at `pos`; size None when unknown.
fn header(b: &[u8], pos: usize) -> Option<(u32, usize, Option<u64>)> {
    let (id, il) = vint(b.get(pos..)?, true)?;
    let (size, sl) = vint(b.get(pos + il..)?, false)?;
    let unknown = size == (1u64 << (7 * sl)) - 1;
    Some((id as u32, pos + il + sl, (!unknown).then_some(size)))
}

fn uint(b: &[u8]) -> u64 {
    b.iter().take(8).fold(0u64, |a, &x| (a << 8) | x as u64)
}

fn parse_tracks(b: &[u8]) -> Vec<MkvAudioTrack> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((id, start, Some(size))) = header(b, pos) {
        let end = (start + size as usize).min(b.len());
        if id == TRACK_ENTRY {
            let mut t = MkvAudioTrack::default();
            let mut kind = 0;
            let mut p = start;
            while let Some((cid, cs, Some(csz))) = header(b, p) {
                let ce = cs + csz as usize;
                if ce > end {
                    break;
                }
                let data = &b[cs..ce];
                match cid {
                    TRACK_NUMBER => t.number = uint(data),
                    TRACK_TYPE => kind = uint(data),
                    CODEC_ID => t.codec_id = String::from_utf8_lossy(data).trim_end_matches('\0').to_string(),
                    CODEC_DELAY => t.codec_delay_ns = uint(data),
                    _ => {}
                }
                p = ce;
            }
            if kind == 2 {
                out.push(t);
            }
        }
        pos = end;
        if pos >= b.len() {
            break;
        }
    }
    out
}

/// The audio tracks of the Matroska/WebM file at `path`, or None when its `Tracks` element is not
/// found before the first cluster (within 16 MiB).
pub(crate) fn audio_tracks(path: &Path) -> Option<Vec<MkvAudioTrack>> {
    let mut f = File::open(path).ok()?;
    let mut head = vec![0u8; 64 << 10];
    let n = f.read(&mut head).ok()?;
    head.truncate(n);
    let (id, start, size) = header(&head, 0)?;
    if id != EBML {
        return None;
    }
    let (sid, mut pos, _) = header(&head, start + size? as usize)?;
    if sid != SEGMENT {
        return None;
    }
    // Walk the segment's children by their sizes, reading only headers until Tracks.
    let mut abs = pos as u64;
    let mut buf = head;
    let mut buf_at = 0u64;
    for _ in 0..256 {
        if abs > 16 << 20 {
            return None;
        }
        if abs < buf_at || abs + 16 > buf_at + buf.len() as u64 {
            f.seek(SeekFrom::Start(abs)).ok()?;
            buf = vec![0u8; 64 << 10];
            let n = f.read(&mut buf).ok()?;
            buf.truncate(n);
            buf_at = abs;
        }
        pos = (abs - buf_at) as usize;
        let (id, start, size) = header(&buf, pos)?;
        if id == CLUSTER {
            return None;
        }
        let size = size?;
        if id == TRACKS {
            let data_abs = buf_at + start as u64;
            let mut data = vec![0u8; size.min(4 << 20) as usize];
            f.seek(SeekFrom::Start(data_abs)).ok()?;
            f.read_exact(&mut data).ok()?;
            return Some(parse_tracks(&data));
        }
        abs = buf_at + start as u64 + size;
    }
    None
}

/// A readable name for a Matroska audio CodecID.
pub(crate) fn codec_id_name(id: &str) -> String {
    match id {
        "A_AC3" | "A_AC3/BSID9" | "A_AC3/BSID10" => "AC-3".into(),
        "A_EAC3" => "E-AC-3".into(),
        "A_DTS" | "A_DTS/EXPRESS" | "A_DTS/LOSSLESS" => "DTS".into(),
        "A_TRUEHD" => "TrueHD".into(),
        "A_MPEG/L2" => "MP2".into(),
        "A_MPEG/L1" => "MP1".into(),
        "A_TTA1" => "TTA".into(),
        "A_WAVPACK4" => "WavPack".into(),
        "A_ALAC" => "ALAC".into(),
        "A_MS/ACM" => "a Windows ACM codec".into(),
        "A_REAL/COOK" | "A_REAL/SIPR" | "A_REAL/ATRC" | "A_REAL/28_8" => "RealAudio".into(),
        other => other.strip_prefix("A_").unwrap_or(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(id: &[u8], data: &[u8]) -> Vec<u8> {
        assert!(data.len() < 127);
        [id, &[0x80 | data.len() as u8], data].concat()
    }

    #[test]
    fn reads_audio_track_entries() {
        let video = el(&[0xAE], &[el(&[0xD7], &[1]), el(&[0x83], &[1]), el(&[0x86], b"V_VP9")].concat());
        let audio = el(
            &[0xAE],
            &[el(&[0xD7], &[2]), el(&[0x83], &[2]), el(&[0x86], b"A_EAC3"), el(&[0x56, 0xAA], &[0x01, 0x00])].concat(),
        );
        let tracks = parse_tracks(&[video, audio].concat());
        assert_eq!(tracks, [MkvAudioTrack { number: 2, codec_id: "A_EAC3".into(), codec_delay_ns: 256 }]);
        assert_eq!(codec_id_name("A_EAC3"), "E-AC-3");
        assert_eq!(codec_id_name("A_QUICKTIME"), "QUICKTIME");
        assert_eq!(vint(&[0x1A, 0x45, 0xDF, 0xA3], true), Some((0x1A45_DFA3, 4)));
        assert_eq!(vint(&[0x81], false), Some((1, 1)));
        assert_eq!(
            header(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 0),
            Some((SEGMENT, 12, None))
        );
    }
}
