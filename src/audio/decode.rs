//! Opening a recording and decoding it from any sample: container sniffing, the MP3 index path,
//! the generic symphonia path (M4A, WAV, FLAC, Ogg), gapless trimming, HE-AAC refusal.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use symphonia::core::audio::{AudioBufferRef, SampleBuffer};
use symphonia::core::codecs::{
    CODEC_TYPE_AAC, CODEC_TYPE_MP3, CODEC_TYPE_NULL, CodecParameters, Decoder, DecoderOptions,
};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use symphonia::core::units::TimeBase;

use super::AudioError;
use super::mp3::Mp3Index;

/// What the engine sees in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    /// Container sniffed from the bytes: "MP3", "MP4/M4A", "WAV", "Ogg", "FLAC".
    pub container: String,
    pub codec: String,
    /// Sample rate of the decoded data.
    pub sample_rate: u32,
    pub channels: u16,
    /// Length in frames: from the decoded data when known (MP3 index), else the container's.
    pub frames: Option<u64>,
}

impl StreamInfo {
    pub fn duration_ms(&self) -> Option<u64> {
        self.frames.map(|f| f * 1000 / self.sample_rate.max(1) as u64)
    }
}

/// A raw decoder, positioned by recording frame; chunks may start before the requested frame.
trait RawDecode: Send {
    fn raw_seek(&mut self, frame: u64) -> Result<(), AudioError>;
    /// Decode the next chunk into `buf` (interleaved); returns its first recording frame
    /// (negative inside the encoder delay), or None at the end.
    fn raw_next(&mut self, buf: &mut Vec<f32>) -> Result<Option<i64>, AudioError>;
}

/// A decoder that produces exactly the recording's samples from any frame.
pub struct AudioStream {
    info: StreamInfo,
    inner: Box<dyn RawDecode>,
    /// Drop samples before this recording frame (seek target).
    skip_until: u64,
    /// Stop at this frame (encoder padding), when known.
    end: Option<u64>,
    raw: Vec<f32>,
    source: Source,
}

/// A cheap handle for opening more decoders of the same recording (the peaks pass uses two).
/// MP3: shares the compressed bytes and the frame index (`Arc`), so the file is held in memory
/// once however many decoders are open. Other formats: the path, opened again.
#[derive(Clone)]
pub struct Source(SourceKind);

#[derive(Clone)]
enum SourceKind {
    Mp3(Arc<Mp3Shared>, std::path::PathBuf),
    Path(std::path::PathBuf),
}

impl Source {
    /// A new decoder positioned at frame 0.
    pub fn open(&self) -> Result<AudioStream, AudioError> {
        match &self.0 {
            SourceKind::Mp3(sh, path) => {
                let decoder = symphonia::default::get_codecs()
                    .make(&sh.params, &DecoderOptions::default())
                    .map_err(|e| fail(path, format!("unsupported codec {}: {}", sh.info.codec, sym_err(e))))?;
                let mut s = mp3_stream(sh.clone(), decoder, path);
                s.seek(0).map_err(|e| fail(path, e))?;
                Ok(s)
            }
            SourceKind::Path(p) => open(p),
        }
    }
}

/// What every decoder of one MP3 file shares.
struct Mp3Shared {
    data: Vec<u8>,
    index: Mp3Index,
    params: CodecParameters,
    info: StreamInfo,
    delay: u64,
}

fn mp3_stream(shared: Arc<Mp3Shared>, decoder: Box<dyn Decoder>, path: &Path) -> AudioStream {
    let info = shared.info.clone();
    let end = info.frames;
    let source = Source(SourceKind::Mp3(shared.clone(), path.to_path_buf()));
    let raw = Mp3Raw { shared, next: 0, decoder, sbuf: None };
    AudioStream { info, inner: Box::new(raw), skip_until: 0, end, raw: Vec::new(), source }
}

impl AudioStream {
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// A handle that opens more decoders of this recording, sharing what can be shared.
    pub fn source(&self) -> Source {
        self.source.clone()
    }

    /// The next chunk starts exactly at `frame`.
    pub fn seek(&mut self, frame: u64) -> Result<(), AudioError> {
        self.inner.raw_seek(frame)?;
        self.skip_until = frame;
        Ok(())
    }

    /// Decode the next chunk into `out` (interleaved). Returns its recording frame, None at the end.
    pub fn next_chunk(&mut self, out: &mut Vec<f32>) -> Result<Option<u64>, AudioError> {
        let ch = self.info.channels as i64;
        loop {
            let Some(start) = self.inner.raw_next(&mut self.raw)? else {
                return Ok(None);
            };
            let n = self.raw.len() as i64 / ch;
            let from = (self.skip_until as i64).max(0).max(start);
            let mut to = start + n;
            if let Some(end) = self.end {
                to = to.min(end as i64);
                if from >= end as i64 {
                    return Ok(None);
                }
            }
            if to <= from {
                continue;
            }
            out.clear();
            out.extend_from_slice(&self.raw[((from - start) * ch) as usize..((to - start) * ch) as usize]);
            self.skip_until = to as u64;
            return Ok(Some(from as u64));
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn fail(path: &Path, reason: impl std::fmt::Display) -> AudioError {
    AudioError::Open(format!("{}: {reason}", file_name(path)))
}

fn sniff_container(head: &[u8]) -> &'static str {
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        "MP4/M4A"
    } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WAVE") {
        "WAV"
    } else if head.starts_with(b"OggS") {
        "Ogg"
    } else if head.starts_with(b"fLaC") {
        "FLAC"
    } else if head.starts_with(b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        "MP3"
    } else {
        "unknown"
    }
}

fn codec_name(params: &CodecParameters) -> String {
    symphonia::default::get_codecs()
        .get_codec(params.codec)
        .map(|d| d.short_name.to_uppercase())
        .unwrap_or_else(|| "unknown".into())
}

fn sym_err(e: SymError) -> String {
    match e {
        SymError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => "the file is truncated".into(),
        SymError::Unsupported(what) => format!("unsupported format ({what})"),
        other => other.to_string(),
    }
}

/// Open `path` for decoding: the same path the player, the peaks worker and `probe` use.
pub fn open(path: &Path) -> Result<AudioStream, AudioError> {
    let mut file = File::open(path).map_err(|e| fail(path, e))?;
    let size = file.metadata().map_err(|e| fail(path, e))?.len();
    if size == 0 {
        return Err(fail(path, "the file is empty"));
    }
    let mut head = [0u8; 16];
    let got = file.read(&mut head).map_err(|e| fail(path, e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| fail(path, e))?;
    let container = sniff_container(&head[..got]);

    // Probe with no extension hint: the bytes decide.
    let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let fmt_opts = FormatOptions { enable_gapless: true, ..Default::default() };
    let probed = symphonia::default::get_probe()
        .format(&Hint::new(), mss, &fmt_opts, &MetadataOptions::default())
        .map_err(|e| match e {
            SymError::Unsupported(_) => fail(path, "not a supported audio file (unknown or corrupt format)"),
            e => fail(path, sym_err(e)),
        })?;
    let reader = probed.format;
    let track = reader
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .cloned()
        .ok_or_else(|| fail(path, "no audio track"))?;
    let params = track.codec_params.clone();
    let codec = codec_name(&params);
    let decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| fail(path, format!("unsupported codec {codec}: {}", sym_err(e))))?;

    let mut stream = if params.codec == CODEC_TYPE_MP3 {
        drop(reader);
        // Read straight into the buffer that playback and the peaks pass share (no second copy).
        let data = std::fs::read(path).map_err(|e| fail(path, e))?;
        let index = Mp3Index::scan(&data);
        if index.frames.is_empty() {
            return Err(fail(path, "no MPEG audio frames found (corrupt file)"));
        }
        let delay = params.delay.unwrap_or(0) as u64;
        let padding = params.padding.unwrap_or(0) as u64;
        let total = (index.frames.len() as u64 * index.samples_per_frame as u64).saturating_sub(delay + padding);
        let info = StreamInfo {
            container: "MP3".into(),
            codec,
            sample_rate: index.sample_rate,
            channels: index.channels,
            frames: Some(total),
        };
        let shared = Arc::new(Mp3Shared { data, index, params, info, delay });
        mp3_stream(shared, decoder, path)
    } else {
        let container = if container == "unknown" { "unknown container" } else { container };
        let tb = params.time_base.unwrap_or_else(|| TimeBase::new(1, params.sample_rate.unwrap_or(1)));
        let declared_rate = params.sample_rate.unwrap_or(0);
        let (priming_ts, length_ts) =
            if container == "MP4/M4A" { mp4_edit(path).unwrap_or((0, None)) } else { (0, None) };
        let preroll = match params.codec {
            c if c == CODEC_TYPE_AAC => 2048,
            c if c == symphonia::core::codecs::CODEC_TYPE_VORBIS => 4096,
            _ => 0,
        };
        let mut raw = SymRaw {
            reader,
            decoder,
            track_id: track.id,
            tb,
            rate: declared_rate.max(1),
            priming_ts,
            preroll,
            sbuf: None,
            last_packet_dur: 0,
            last_decoded_frames: 0,
            decoded_rate: 0,
            decoded_channels: 0,
        };
        // Decode the start to learn the real rate and layout, and to refuse what cannot play.
        let mut buf = Vec::new();
        let mut first = None;
        for _ in 0..8 {
            match raw.raw_next(&mut buf) {
                Ok(Some(_)) if raw.last_decoded_frames > 0 => {
                    first = Some(());
                    break;
                }
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(AudioError::Open(m)) => return Err(fail(path, m)),
                Err(e) => return Err(fail(path, e)),
            }
        }
        if first.is_none() {
            return Err(fail(path, "no decodable audio (corrupt or truncated file)"));
        }
        if params.codec == CODEC_TYPE_AAC {
            let aot = params.extra_data.as_deref().and_then(|a| a.first()).map(|b| b >> 3);
            let half_rate = declared_rate != 0 && raw.decoded_rate * 2 == declared_rate;
            let half_len = raw.last_packet_dur == 2 * raw.last_decoded_frames;
            if matches!(aot, Some(5) | Some(29)) || half_rate || half_len {
                return Err(fail(
                    path,
                    "HE-AAC (AAC with SBR) is not supported: it would play at double speed. \
                     Convert it to AAC-LC or MP3 (e.g. ffmpeg -i IN -c:a aac -b:a 96k OUT.m4a)",
                ));
            }
        }
        let rate = raw.decoded_rate;
        raw.rate = rate;
        let channels = raw.decoded_channels;
        let to_frames = |ts: u64| ts_to_frames(ts, tb, rate);
        let priming = to_frames(priming_ts);
        let frames = match length_ts {
            Some(l) => Some(to_frames(l)),
            None => params.n_frames.map(|n| to_frames(n).saturating_sub(priming)),
        };
        let info = StreamInfo { container: container.into(), codec, sample_rate: rate, channels, frames };
        raw.raw_seek(0).map_err(|e| fail(path, e))?;
        AudioStream {
            info,
            inner: Box::new(raw),
            skip_until: 0,
            end: length_ts.map(to_frames),
            raw: Vec::new(),
            source: Source(SourceKind::Path(path.to_path_buf())),
        }
    };
    stream.seek(0).map_err(|e| fail(path, e))?;
    Ok(stream)
}

fn ts_to_frames(ts: u64, tb: TimeBase, rate: u32) -> u64 {
    if tb.numer == 1 && tb.denom == rate {
        ts
    } else {
        (ts as u128 * tb.numer as u128 * rate as u128 / tb.denom.max(1) as u128) as u64
    }
}

fn frames_to_ts(frames: u64, tb: TimeBase, rate: u32) -> u64 {
    if tb.numer == 1 && tb.denom == rate {
        frames
    } else {
        (frames as u128 * tb.denom as u128 / (tb.numer.max(1) as u128 * rate.max(1) as u128)) as u64
    }
}

/// Copy a decoded buffer into `out`, interleaved f32.
fn copy_out(decoded: AudioBufferRef<'_>, sbuf: &mut Option<SampleBuffer<f32>>, out: &mut Vec<f32>) -> usize {
    let spec = *decoded.spec();
    let frames = decoded.frames();
    let need = decoded.capacity() as u64;
    if sbuf.as_ref().is_none_or(|b| b.capacity() < decoded.capacity() * spec.channels.count()) {
        *sbuf = Some(SampleBuffer::new(need, spec));
    }
    let sb = sbuf.as_mut().unwrap();
    sb.copy_interleaved_ref(decoded);
    out.clear();
    out.extend_from_slice(sb.samples());
    frames
}

struct Mp3Raw {
    shared: Arc<Mp3Shared>,
    next: usize,
    decoder: Box<dyn Decoder>,
    sbuf: Option<SampleBuffer<f32>>,
}

impl RawDecode for Mp3Raw {
    fn raw_seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let sh = &self.shared;
        let k = ((frame + sh.delay) / sh.index.samples_per_frame as u64) as usize;
        self.next = sh.index.preroll_start(k);
        self.decoder.reset();
        Ok(())
    }

    fn raw_next(&mut self, buf: &mut Vec<f32>) -> Result<Option<i64>, AudioError> {
        let sh = &*self.shared;
        let spf = sh.index.samples_per_frame as u64;
        let Some(&(off, len)) = sh.index.frames.get(self.next) else {
            return Ok(None);
        };
        let k = self.next as u64;
        self.next += 1;
        let bytes = &sh.data[off as usize..off as usize + len as usize];
        let packet = Packet::new_from_slice(0, k * spf, spf, bytes);
        match self.decoder.decode(&packet) {
            Ok(decoded) => {
                copy_out(decoded, &mut self.sbuf, buf);
                // Channel count of the decoded data must match the index.
                let frames = buf.len() / sh.index.channels.max(1) as usize;
                if frames as u64 != spf {
                    buf.resize(spf as usize * sh.index.channels as usize, 0.0);
                }
                Ok(Some((k * spf) as i64 - sh.delay as i64))
            }
            // Missing bit reservoir after a seek, or a damaged frame: silence in its place.
            Err(SymError::DecodeError(_)) => {
                buf.clear();
                buf.resize(spf as usize * sh.index.channels as usize, 0.0);
                Ok(Some((k * spf) as i64 - sh.delay as i64))
            }
            Err(e) => Err(AudioError::Decode(sym_err(e))),
        }
    }
}

struct SymRaw {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    tb: TimeBase,
    rate: u32,
    priming_ts: u64,
    preroll: u64,
    sbuf: Option<SampleBuffer<f32>>,
    last_packet_dur: u64,
    last_decoded_frames: u64,
    decoded_rate: u32,
    decoded_channels: u16,
}

impl RawDecode for SymRaw {
    fn raw_seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let ts = (frames_to_ts(frame, self.tb, self.rate) + self.priming_ts).saturating_sub(frames_to_ts(
            self.preroll,
            self.tb,
            self.rate,
        ));
        match self.reader.seek(SeekMode::Accurate, SeekTo::TimeStamp { ts, track_id: self.track_id }) {
            Ok(_) => {}
            // Past the end: the next read returns None.
            Err(SymError::SeekError(_)) => {}
            Err(e) => return Err(AudioError::Decode(sym_err(e))),
        }
        self.decoder.reset();
        Ok(())
    }

    fn raw_next(&mut self, buf: &mut Vec<f32>) -> Result<Option<i64>, AudioError> {
        let mut errors = 0;
        loop {
            let packet = match self.reader.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None);
                }
                Err(SymError::ResetRequired) => return Ok(None),
                Err(e) => return Err(AudioError::Decode(sym_err(e))),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    self.decoded_rate = decoded.spec().rate;
                    self.decoded_channels = decoded.spec().channels.count() as u16;
                    let frames = copy_out(decoded, &mut self.sbuf, buf) as u64;
                    self.last_decoded_frames = frames;
                    self.last_packet_dur = packet.dur;
                    let ts = packet.ts + packet.trim_start() as u64;
                    let start = ts_to_frames(ts, self.tb, self.rate.max(1)) as i64
                        - ts_to_frames(self.priming_ts, self.tb, self.rate.max(1)) as i64;
                    return Ok(Some(start));
                }
                Err(SymError::DecodeError(_)) if errors < 100 => {
                    errors += 1;
                    continue;
                }
                Err(e) => return Err(AudioError::Decode(sym_err(e))),
            }
        }
    }
}

// ---- MP4 edit list (AAC priming), which symphonia 0.5 reads but does not apply ----

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
fn mp4_edit(path: &Path) -> Option<(u64, Option<u64>)> {
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
