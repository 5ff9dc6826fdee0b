//! Vorbis in Matroska/WebM. symphonia 0.5's Matroska reader gives Vorbis packets the block's
//! millisecond timestamp and no duration (all packets of a laced block share one timestamp), so
//! seeks and positions are off by up to a packet. Here the file's blocks are walked once into a
//! packet index that holds each packet's exact first sample, from the Vorbis window sizes: the
//! identification header's two block sizes and each packet's mode (short or long window, read
//! with `lewton`'s header parser). A packet renders `prev/4 + cur/4` samples (the overlap of its
//! window with the previous one); the first renders none. symphonia still decodes the packets,
//! read straight from the file by the index; a seek starts one packet early (whose only use is
//! the overlap) and the stream drops the head, so it is sample-exact.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use lewton::audio::get_decoded_sample_count;
use lewton::header::{IdentHeader, SetupHeader, read_header_ident, read_header_setup};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CodecParameters, Decoder};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::Packet;

use super::AudioError;
use super::decode::{AudioStream, RawDecode, StreamInfo, fail};
use super::mkv::{BLOCK, BLOCK_GROUP, CLUSTER, EBML, SEGMENT, SIMPLE_BLOCK};

/// A block larger than this is damage, not audio.
const MAX_BLOCK: u64 = 64 << 20;

/// One Vorbis packet: where its bytes are, and its first rendered sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct VorbisPacket {
    pub offset: u64,
    pub len: u32,
    pub first: u64,
}

/// Every packet of one Vorbis track, and the number of samples they render.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct VorbisIndex {
    pub packets: Vec<VorbisPacket>,
    pub frames: u64,
    pub sample_rate: u32,
    pub channels: u16,
}

/// The Vorbis headers as symphonia's Matroska reader passes them (identification then setup,
/// concatenated): what the index needs of them.
pub(crate) struct Headers {
    ident: IdentHeader,
    setup: SetupHeader,
}

impl Headers {
    pub(crate) fn parse(extra_data: &[u8]) -> Option<Headers> {
        // The identification header has a fixed size of 30 bytes.
        let ident = read_header_ident(extra_data.get(..30)?).ok()?;
        let setup =
            read_header_setup(extra_data.get(30..)?, ident.audio_channels, (ident.blocksize_0, ident.blocksize_1))
                .ok()?;
        Some(Headers { ident, setup })
    }

    /// The window size of an audio packet (None for a header or a damaged packet).
    fn blocksize(&self, packet: &[u8]) -> Option<u64> {
        let (short, long) = (1u64 << self.ident.blocksize_0, 1u64 << self.ident.blocksize_1);
        // lewton tells the packet's sample count, which for a short window is exactly half of it
        // and for a long one (bigger than a short one) at least (long + short) / 4.
        let n = get_decoded_sample_count(&self.ident, &self.setup, packet).ok()? as u64;
        Some(if n > short / 2 { long } else { short })
    }
}

/// Read an EBML variable-length integer from `r`: an element ID with its marker kept, or a size
/// with it removed (None for an unknown size). Returns (value, bytes read, unknown).
fn read_vint(r: &mut impl Read, keep_marker: bool) -> Option<(u64, u64, bool)> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b[..1]).ok()?;
    let len = b[0].leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    r.read_exact(&mut b[1..len]).ok()?;
    let (v, _) = super::mkv::vint(&b[..len], keep_marker)?;
    // A size whose value bits are all ones is "unknown" (live recordings' clusters).
    Some((v, len as u64, !keep_marker && v == (1u64 << (7 * len)) - 1))
}

/// The frames (offset in `block`, length) of a Matroska block's payload after its header.
fn laced_frames(block: &[u8], mut pos: usize) -> Option<Vec<(usize, usize)>> {
    let flags = *block.get(pos)?;
    pos += 1;
    let lacing = (flags >> 1) & 3;
    if lacing == 0 {
        return Some(vec![(pos, block.len() - pos)]);
    }
    let count = *block.get(pos)? as usize + 1;
    pos += 1;
    let mut sizes = Vec::with_capacity(count);
    match lacing {
        // Xiph: each size as a run of 255s and a last byte.
        1 => {
            for _ in 1..count {
                let mut size = 0usize;
                loop {
                    let b = *block.get(pos)?;
                    pos += 1;
                    size += b as usize;
                    if b != 255 {
                        break;
                    }
                }
                sizes.push(size);
            }
        }
        // Fixed: equal sizes.
        2 => {
            let each = (block.len() - pos) / count;
            sizes.resize(count - 1, each);
        }
        // EBML: the first size, then signed differences.
        _ => {
            let mut slice = block.get(pos..)?;
            let before = slice.len();
            let (first, _, _) = read_vint(&mut slice, false)?;
            let mut size = first as i64;
            sizes.push(size as usize);
            for _ in 2..count {
                let (raw, len, _) = read_vint(&mut slice, false)?;
                let bias = (1i64 << (7 * len - 1)) - 1;
                size += raw as i64 - bias;
                sizes.push(usize::try_from(size).ok()?);
            }
            pos += before - slice.len();
        }
    }
    let mut out = Vec::with_capacity(count);
    for size in sizes {
        out.push((pos, size));
        pos = pos.checked_add(size).filter(|&p| p <= block.len())?;
    }
    out.push((pos, block.len() - pos));
    Some(out)
}

/// Walk the Matroska file at `path` and index the packets of track `track`. A file cut short
/// keeps the packets before the cut.
pub(crate) fn index(path: &Path, track: u64, headers: &Headers) -> std::io::Result<VorbisIndex> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(256 << 10, file);
    let mut out = VorbisIndex {
        sample_rate: headers.ident.audio_sample_rate,
        channels: headers.ident.audio_channels as u16,
        ..Default::default()
    };
    let mut pos = 0u64;
    // Where the reader is: it moves on by relative seeks, which keep its buffer.
    let mut cur;
    let mut prev_bs: Option<u64> = None;
    let mut block = Vec::new();
    let mut seen_ebml = false;
    while pos < file_len {
        let Some((id, il, _)) = read_vint(&mut r, true) else { break };
        let Some((size, sl, unknown)) = read_vint(&mut r, false) else { break };
        let start = pos + il + sl;
        cur = start;
        // Element IDs are at most 4 bytes with their marker; a longer one matches nothing.
        match u32::try_from(id).unwrap_or(0) {
            EBML if !seen_ebml => seen_ebml = true,
            // Containers: walk into them (their size may be unknown in live recordings).
            SEGMENT | CLUSTER | BLOCK_GROUP => {
                pos = start;
                continue;
            }
            _ if unknown => break,
            SIMPLE_BLOCK | BLOCK if size <= MAX_BLOCK && start + size <= file_len => {
                let mut head = [0u8; 8];
                let n = (size as usize).min(8);
                r.read_exact(&mut head[..n])?;
                cur += n as u64;
                let Some((number, tl, _)) = read_vint(&mut &head[..n], false) else { break };
                if number == track {
                    block.resize(size as usize, 0);
                    block[..n].copy_from_slice(&head[..n]);
                    r.read_exact(&mut block[n..])?;
                    cur = start + size;
                    for (off, len) in laced_frames(&block, tl as usize + 2).unwrap_or_default() {
                        let Some(bs) = headers.blocksize(&block[off..off + len]) else { continue };
                        let first = out.frames;
                        out.frames += prev_bs.map_or(0, |p| p / 4 + bs / 4);
                        prev_bs = Some(bs);
                        out.packets.push(VorbisPacket { offset: start + off as u64, len: len as u32, first });
                    }
                }
            }
            _ => {}
        }
        if start + size > file_len {
            break;
        }
        pos = start + size;
        r.seek_relative((pos - cur) as i64)?;
    }
    Ok(out)
}

/// Decodes the indexed packets with symphonia's Vorbis decoder.
pub(crate) struct VorbisMkvRaw {
    index: std::sync::Arc<VorbisIndex>,
    file: BufReader<File>,
    file_pos: u64,
    next: usize,
    decoder: Box<dyn Decoder>,
    sbuf: Option<SampleBuffer<f32>>,
    bytes: Vec<u8>,
}

impl VorbisMkvRaw {
    pub(crate) fn new(
        path: &Path,
        index: std::sync::Arc<VorbisIndex>,
        decoder: Box<dyn Decoder>,
    ) -> std::io::Result<VorbisMkvRaw> {
        let file = BufReader::with_capacity(64 << 10, File::open(path)?);
        Ok(VorbisMkvRaw { index, file, file_pos: 0, next: 0, decoder, sbuf: None, bytes: Vec::new() })
    }

    /// Start decoding so that the packet rendering `frame` is the second one decoded.
    pub(crate) fn seek(&mut self, frame: u64) {
        let holding = self.index.packets.partition_point(|p| p.first <= frame).saturating_sub(1);
        self.next = holding.saturating_sub(1);
        self.decoder.reset();
    }

    /// Decode the next packet that renders samples into `buf`; its first frame, None at the end.
    pub(crate) fn next(&mut self, buf: &mut Vec<f32>) -> Result<Option<i64>, AudioError> {
        let mut errors = 0;
        loop {
            let Some(&p) = self.index.packets.get(self.next) else { return Ok(None) };
            self.next += 1;
            let io = |e: std::io::Error| AudioError::Decode(e.to_string());
            if p.offset != self.file_pos {
                self.file.seek_relative(p.offset as i64 - self.file_pos as i64).map_err(io)?;
            }
            self.bytes.resize(p.len as usize, 0);
            self.file.read_exact(&mut self.bytes).map_err(io)?;
            self.file_pos = p.offset + p.len as u64;
            let packet = Packet::new_from_slice(0, p.first, 0, &self.bytes);
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    if super::decode::copy_out(decoded, &mut self.sbuf, buf) == 0 {
                        continue;
                    }
                    return Ok(Some(p.first as i64));
                }
                Err(SymError::DecodeError(_)) if errors < 100 => errors += 1,
                Err(e) => return Err(AudioError::Decode(super::decode::sym_err(e))),
            }
        }
    }
}

/// Vorbis in Matroska/WebM as a stream: decoded through its own packet index, sample-exact.
pub(super) fn stream(
    path: &Path,
    track_id: u32,
    params: &CodecParameters,
    decoder: Box<dyn Decoder>,
    codec: String,
) -> Result<AudioStream, AudioError> {
    let headers = params
        .extra_data
        .as_deref()
        .and_then(Headers::parse)
        .ok_or_else(|| fail(path, "the Vorbis headers are damaged"))?;
    let index = index(path, track_id as u64, &headers).map_err(|e| fail(path, e))?;
    if index.frames == 0 {
        return Err(fail(path, "no decodable audio (corrupt or truncated file)"));
    }
    let frames = index.frames;
    let info = StreamInfo {
        container: "Matroska/WebM".into(),
        codec,
        sample_rate: index.sample_rate,
        channels: index.channels,
        frames: Some(frames),
    };
    let raw = VorbisMkvRaw::new(path, Arc::new(index), decoder).map_err(|e| fail(path, e))?;
    Ok(AudioStream::from_raw(path, info, Box::new(raw), frames))
}

impl RawDecode for VorbisMkvRaw {
    fn raw_seek(&mut self, frame: u64) -> Result<(), AudioError> {
        self.seek(frame);
        Ok(())
    }

    fn raw_next(&mut self, buf: &mut Vec<f32>) -> Result<Option<i64>, AudioError> {
        self.next(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_lacing() {
        // Track 1, timestamp 0, then the flags.
        let head = [0x81, 0, 0];
        let plain = [&head[..], &[0x00], b"abc"].concat();
        assert_eq!(laced_frames(&plain, 3), Some(vec![(4, 3)]));
        // Xiph: three frames of 300, 2 and the rest (1).
        let mut xiph = [&head[..], &[0x02, 2, 255, 45, 2]].concat();
        let at = xiph.len();
        xiph.extend(std::iter::repeat_n(7u8, 303));
        assert_eq!(laced_frames(&xiph, 3), Some(vec![(at, 300), (at + 300, 2), (at + 302, 1)]));
        // Fixed: two frames of 2.
        let fixed = [&head[..], &[0x04, 1], b"abcd"].concat();
        assert_eq!(laced_frames(&fixed, 3), Some(vec![(5, 2), (7, 2)]));
        // EBML: 3, then 3 - 1 = 2, then the rest (1).
        let ebml = [&head[..], &[0x06, 2, 0x83, 0xBE], b"abcdef"].concat();
        assert_eq!(laced_frames(&ebml, 3), Some(vec![(7, 3), (10, 2), (12, 1)]));
        // Sizes past the block's end are damage.
        let bad = [&head[..], &[0x02, 1, 200], b"ab"].concat();
        assert_eq!(laced_frames(&bad, 3), None);
    }

    #[test]
    fn reads_ebml_integers() {
        assert_eq!(read_vint(&mut &[0x1A, 0x45, 0xDF, 0xA3][..], true), Some((EBML as u64, 4, false)));
        assert_eq!(read_vint(&mut &[0x81][..], false), Some((1, 1, false)));
        assert!(read_vint(&mut &[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF][..], false).unwrap().2);
        assert_eq!(read_vint(&mut &[0x40][..], false), None);
    }
}
