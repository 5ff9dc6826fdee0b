//! MPEG audio layer III: an exact seek index built by scanning the frame headers.
//!
//! Each entry is one audio frame's byte offset and length; frame `i` holds samples
//! `i * samples_per_frame ..`, so seeking is an index look-up plus a short decode-forward.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5.
    pub version: u8,
    pub layer: u8,
    pub sample_rate: u32,
    pub channels: u16,
    pub len: usize,
    pub samples: u32,
}

const BR_V1_L3: [u32; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BR_V2_L3: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/// Parse a layer III frame header (other layers are left to the generic path).
pub(crate) fn parse_header(b: &[u8]) -> Option<FrameHeader> {
    if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = match (b[1] >> 3) & 3 {
        0 => 25,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    if (b[1] >> 1) & 3 != 1 {
        return None; // not layer III
    }
    let br_idx = (b[2] >> 4) as usize;
    let sr_idx = ((b[2] >> 2) & 3) as usize;
    if br_idx == 0 || br_idx == 15 || sr_idx == 3 {
        return None;
    }
    let base = [44100, 48000, 32000][sr_idx];
    let sample_rate = match version {
        1 => base,
        2 => base / 2,
        _ => base / 4,
    };
    let bitrate = if version == 1 { BR_V1_L3[br_idx] } else { BR_V2_L3[br_idx] } * 1000;
    let pad = ((b[2] >> 1) & 1) as usize;
    let (coef, samples) = if version == 1 { (144, 1152) } else { (72, 576) };
    let len = (coef * bitrate / sample_rate) as usize + pad;
    let channels = if b[3] >> 6 == 3 { 1 } else { 2 };
    Some(FrameHeader { version, layer: 3, sample_rate, channels, len, samples })
}

fn side_info_len(h: &FrameHeader) -> usize {
    match (h.version == 1, h.channels == 1) {
        (true, true) => 17,
        (true, false) => 32,
        (false, true) => 9,
        (false, false) => 17,
    }
}

/// Whether this frame carries a Xing/Info/VBRI tag rather than audio.
fn is_tag_frame(frame: &[u8], h: &FrameHeader) -> bool {
    let o = 4 + side_info_len(h);
    let at = |o: usize, tag: &[u8]| frame.get(o..o + 4) == Some(tag);
    at(o, b"Xing") || at(o, b"Info") || at(36, b"VBRI")
}

/// Length of an ID3v2 tag at the start, if any.
fn id3v2_len(data: &[u8]) -> usize {
    if data.len() >= 10 && &data[0..3] == b"ID3" {
        let s = data[6..10].iter().fold(0usize, |a, &b| (a << 7) | (b & 0x7F) as usize);
        let footer = if data[5] & 0x10 != 0 { 10 } else { 0 };
        10 + s + footer
    } else {
        0
    }
}

#[derive(Debug, Default)]
pub(crate) struct Mp3Index {
    /// (byte offset, length) of each audio frame.
    pub frames: Vec<(u64, u32)>,
    pub sample_rate: u32,
    pub channels: u16,
    pub samples_per_frame: u32,
}

impl Mp3Index {
    /// Scan the whole file's frame headers. Junk between frames is skipped by resyncing; a frame
    /// is accepted when the next one follows it (or it ends the file).
    pub fn scan(data: &[u8]) -> Mp3Index {
        let mut pos = id3v2_len(data);
        let mut idx = Mp3Index::default();
        let mut first: Option<FrameHeader> = None;
        let similar = |a: &FrameHeader, b: &FrameHeader| a.version == b.version && a.sample_rate == b.sample_rate;
        while pos + 4 <= data.len() {
            let Some(h) = parse_header(&data[pos..]) else {
                pos += 1;
                continue;
            };
            if let Some(f) = &first
                && !similar(f, &h)
            {
                pos += 1;
                continue;
            }
            let end = pos + h.len;
            if end > data.len() {
                break; // truncated last frame
            }
            // Confirm with the next header unless this is the end (or a trailing tag follows).
            let confirmed = end + 4 > data.len()
                || data[end..].starts_with(b"TAG")
                || data[end..].starts_with(b"APETAGEX")
                || parse_header(&data[end..]).is_some_and(|n| similar(&h, &n));
            if !confirmed {
                pos += 1;
                continue;
            }
            if first.is_none() {
                first = Some(h);
                idx.sample_rate = h.sample_rate;
                idx.channels = h.channels;
                idx.samples_per_frame = h.samples;
                if is_tag_frame(&data[pos..end], &h) {
                    pos = end;
                    continue;
                }
            }
            idx.frames.push((pos as u64, h.len as u32));
            pos = end;
        }
        idx
    }

    /// Frame to start decoding from so that frame `k` decodes correctly: far enough back to
    /// refill the bit reservoir (511 bytes) and the MDCT overlap.
    pub fn preroll_start(&self, k: usize) -> usize {
        let k = k.min(self.frames.len());
        let mut k0 = k;
        let mut bytes = 0u64;
        while k0 > 0 && (k - k0 < 2 || bytes < 1100) {
            k0 -= 1;
            bytes += self.frames[k0].1 as u64;
        }
        k0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mpeg1_and_mpeg2_headers() {
        // MPEG-1 layer III, 128 kb/s, 44.1 kHz, stereo.
        let h = parse_header(&[0xFF, 0xFB, 0x90, 0x00]).unwrap();
        assert_eq!((h.sample_rate, h.len, h.samples, h.channels), (44100, 417, 1152, 2));
        // MPEG-2 layer III, 32 kb/s, 16 kHz, mono.
        let h = parse_header(&[0xFF, 0xF3, 0x48, 0xC0]).unwrap();
        assert_eq!((h.sample_rate, h.len, h.samples, h.channels), (16000, 144, 576, 1));
        assert!(parse_header(&[0xFF, 0xFB, 0xF0, 0x00]).is_none());
    }
}
