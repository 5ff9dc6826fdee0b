//! Opening a recording and decoding it from any sample: container sniffing, the MP3 index path,
//! the generic symphonia path (M4A/MP4/MOV, WAV, FLAC, Ogg, Matroska/WebM; Opus through
//! libopus), gapless trimming, HE-AAC refusal, and a clear error for everything else.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use symphonia::core::audio::{AudioBufferRef, SampleBuffer};
use symphonia::core::codecs::{
    CODEC_TYPE_AAC, CODEC_TYPE_MP3, CODEC_TYPE_NULL, CODEC_TYPE_OPUS, CODEC_TYPE_VORBIS, CodecParameters, Decoder,
    DecoderOptions,
};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use symphonia::core::units::TimeBase;

pub use super::codecs::frames_decoded;
use super::codecs::{self, codec_name, registry, sniff_container};
use super::mkv;
use super::mp3::Mp3Index;
use super::mp4::mp4_edit;
use super::opus::OpusHead;
use super::vorbis_mkv;
use super::{AudioError, panic_text};

/// What the engine sees in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    /// Container sniffed from the bytes: "MP3", "MP4/M4A", "MOV", "WAV", "Ogg", "FLAC",
    /// "Matroska/WebM".
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
pub(super) trait RawDecode: Send {
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
                let decoder = registry()
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
    /// A stream of exactly `frames` frames from `inner`, for the file at `path`.
    pub(super) fn from_raw(path: &Path, info: StreamInfo, inner: Box<dyn RawDecode>, frames: u64) -> AudioStream {
        let source = Source(SourceKind::Path(path.to_path_buf()));
        AudioStream { info, inner, skip_until: 0, end: Some(frames), raw: Vec::new(), source }
    }

    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// A handle that opens more decoders of this recording, sharing what can be shared.
    pub fn source(&self) -> Source {
        self.source.clone()
    }

    /// The next chunk starts exactly at `frame`.
    pub fn seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let inner = &mut self.inner;
        guarded(move || inner.raw_seek(frame))?;
        self.skip_until = frame;
        Ok(())
    }

    /// Decode the next chunk into `out` (interleaved). Returns its recording frame, None at the end.
    pub fn next_chunk(&mut self, out: &mut Vec<f32>) -> Result<Option<u64>, AudioError> {
        let ch = self.info.channels as i64;
        loop {
            let (inner, raw) = (&mut self.inner, &mut self.raw);
            let Some(start) = guarded(move || inner.raw_next(raw))? else {
                return Ok(None);
            };
            let n = codecs::counted(self.raw.len() as i64 / ch);
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

pub(super) fn fail(path: &Path, reason: impl std::fmt::Display) -> AudioError {
    AudioError::Open(format!("{}: {reason}", file_name(path)))
}

/// Run decoder code, turning a panic (symphonia and libopus wrappers on hostile input) into an
/// error: the worker then ends the stream instead of dying.
fn guarded<T>(f: impl FnOnce() -> Result<T, AudioError>) -> Result<T, AudioError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(AudioError::Decode(format!("the decoder failed: {}", panic_text(&*p)))))
}

pub(super) fn sym_err(e: SymError) -> String {
    match e {
        SymError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => "the file is truncated".into(),
        SymError::Unsupported(what) => format!("unsupported format ({what})"),
        other => other.to_string(),
    }
}

/// Open `path` for decoding: the same path the player, the peaks worker and `probe` use.
/// Errors name the file and the problem; a decoder panic on a hostile file is one of them.
pub fn open(path: &Path) -> Result<AudioStream, AudioError> {
    guarded(|| open_unguarded(path)).map_err(|e| match e {
        AudioError::Decode(m) => fail(path, format!("{m} (the file may be damaged). {}", codecs::convert_hint(path))),
        e => e,
    })
}

fn open_unguarded(path: &Path) -> Result<AudioStream, AudioError> {
    let mut file = File::open(path).map_err(|e| fail(path, e))?;
    let size = file.metadata().map_err(|e| fail(path, e))?.len();
    if size == 0 {
        return Err(fail(path, "the file is empty"));
    }
    let mut head = [0u8; 16];
    let got = file.read(&mut head).map_err(|e| fail(path, e))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| fail(path, e))?;
    let container = sniff_container(&head[..got]);
    if codecs::unsupported_container(container) {
        return Err(fail(path, format!("{container} files are not supported. {}", codecs::convert_hint(path))));
    }

    let is_mkv = container == "Matroska/WebM";
    let mut seekable = true;
    let mut probed = guarded(|| probe_file(file, true).map_err(|e| AudioError::Decode(sym_err(e))));
    if is_mkv && probed.is_err() {
        // A cut Matroska file points (SeekHead) at Cues past its end, which symphonia follows
        // and fails on: read it again front to back without following them.
        seekable = false;
        probed = guarded(|| probe_reader(path, false).map_err(|e| AudioError::Decode(sym_err(e))));
    }
    let reader = probed.map_err(|e| match e {
        AudioError::Decode(_) if container == "unknown" => {
            fail(path, "not an audio or video file that can be played (unknown or corrupt format)")
        }
        AudioError::Decode(m) if m.contains("truncated") => {
            fail(path, format!("the {container} file is truncated or damaged ({m})"))
        }
        AudioError::Decode(m) => fail(path, format!("a damaged or unsupported {container} file ({m})")),
        e => e,
    })?;
    // The first track that can be decoded (a video's audio track); else name what is there.
    let tracks = reader.tracks();
    let track = match tracks.iter().find(|t| registry().get_codec(t.codec_params.codec).is_some()) {
        Some(t) => t.clone(),
        None => {
            let audio = tracks.iter().find(|t| {
                t.codec_params.codec != CODEC_TYPE_NULL
                    || t.codec_params.sample_rate.is_some()
                    || t.codec_params.channels.is_some()
            });
            let mkv_name = || {
                let tracks = mkv::audio_tracks(path)?;
                tracks.first().map(|t| mkv::codec_id_name(&t.codec_id))
            };
            return Err(match audio {
                Some(t) if t.codec_params.codec == CODEC_TYPE_NULL && container == "Matroska/WebM" => {
                    fail(path, codecs::unsupported_codec(path, &mkv_name().unwrap_or_else(|| "unknown".into())))
                }
                Some(t) => fail(path, codecs::unsupported_codec(path, &codec_name(&t.codec_params))),
                None => fail(path, "no audio track (a video without sound?)"),
            });
        }
    };
    let params = track.codec_params.clone();
    let codec = codec_name(&params);
    let decoder = registry()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| fail(path, format!("{} ({})", codecs::unsupported_codec(path, &codec), sym_err(e))))?;

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
    } else if is_mkv && params.codec == CODEC_TYPE_VORBIS {
        drop(reader);
        vorbis_mkv::stream(path, track.id, &params, decoder, codec)?
    } else {
        let container = if container == "unknown" { "unknown container" } else { container };
        let tb = params.time_base.unwrap_or_else(|| TimeBase::new(1, params.sample_rate.unwrap_or(1)));
        let declared_rate = params.sample_rate.unwrap_or(0);
        let (priming_ts, length_ts) =
            if matches!(container, "MP4/M4A" | "MOV") { mp4_edit(path).unwrap_or((0, None)) } else { (0, None) };
        // The encoder delay, in seconds' fractions, where the container gives it another way:
        // Opus's pre-skip (neither Ogg nor Matroska demuxing trims it in symphonia 0.5), and
        // Matroska's CodecDelay (AAC priming).
        let delay_s = if params.codec == CODEC_TYPE_OPUS {
            params.extra_data.as_deref().and_then(OpusHead::parse).map_or(0.0, |h| h.pre_skip as f64 / 48_000.0)
        } else if is_mkv {
            mkv::audio_tracks(path)
                .and_then(|t| t.into_iter().find(|t| t.number == track.id as u64))
                .map_or(0.0, |t| t.codec_delay_ns as f64 / 1e9)
        } else {
            0.0
        };
        let preroll = match params.codec {
            c if c == CODEC_TYPE_AAC => 2048,
            c if c == CODEC_TYPE_VORBIS => 4096,
            // RFC 7845 §4.6 asks for at least 80 ms; measured against libopus's continuous
            // decode, 80 ms still leaves 19 % error at the seek point, 1 s leaves none.
            c if c == CODEC_TYPE_OPUS => 48000,
            _ => 0,
        };
        let mut raw = SymRaw {
            reader,
            decoder,
            track_id: track.id,
            tb,
            rate: declared_rate.max(1),
            priming: 0,
            preroll,
            reopen: is_mkv.then(|| (path.to_path_buf(), seekable)),
            len_ts: params.n_frames,
            after_seek: None,
            // Matroska's timestamps are in ms: put AAC's and Opus's fixed-size packets back on
            // their exact frame grid (Vorbis packets vary in size and stay within 1 ms).
            snap: is_mkv && (params.codec == CODEC_TYPE_AAC || params.codec == CODEC_TYPE_OPUS),
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
        let priming = to_frames(priming_ts) + (delay_s * rate as f64).round() as u64;
        raw.priming = priming;
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

/// A recording's length from its headers alone (no decoding, no whole-file read), e.g. to rank
/// the candidate recordings beside a transcript; None when the container does not say.
pub fn quick_duration_ms(path: &Path) -> Option<u64> {
    let quick = || -> Result<Option<u64>, AudioError> {
        let file = File::open(path).map_err(|e| fail(path, e))?;
        let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let probed = symphonia::default::get_probe()
            .format(&Hint::new(), mss, &FormatOptions::default(), &MetadataOptions::default())
            .map_err(|e| fail(path, sym_err(e)))?;
        let Some(t) = probed.format.tracks().iter().find(|t| registry().get_codec(t.codec_params.codec).is_some())
        else {
            return Ok(None);
        };
        let p = &t.codec_params;
        Ok(p.n_frames.zip(p.time_base.or_else(|| p.sample_rate.map(|r| TimeBase::new(1, r)))).map(|(n, tb)| {
            let t = tb.calc_time(n);
            t.seconds * 1000 + (t.frac * 1000.0) as u64
        }))
    };
    guarded(quick).ok().flatten()
}

/// The format reader for `file`, probed with no extension hint: the bytes decide.
fn probe_file(file: File, seekable: bool) -> Result<Box<dyn FormatReader>, SymError> {
    let source: Box<dyn symphonia::core::io::MediaSource> =
        if seekable { Box::new(file) } else { Box::new(symphonia::core::io::ReadOnlySource::new(file)) };
    let mss = MediaSourceStream::new(source, MediaSourceStreamOptions::default());
    let fmt_opts = FormatOptions { enable_gapless: true, ..Default::default() };
    let probed = symphonia::default::get_probe().format(&Hint::new(), mss, &fmt_opts, &MetadataOptions::default())?;
    Ok(probed.format)
}

fn probe_reader(path: &Path, seekable: bool) -> Result<Box<dyn FormatReader>, SymError> {
    probe_file(File::open(path)?, seekable)
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
pub(super) fn copy_out(decoded: AudioBufferRef<'_>, sbuf: &mut Option<SampleBuffer<f32>>, out: &mut Vec<f32>) -> usize {
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
    /// Encoder delay in frames: decoded frames before the recording's first.
    priming: u64,
    preroll: u64,
    /// Matroska without Cues (browser recordings) seeks only forward: the file to read again
    /// from the start for a seek backwards.
    reopen: Option<(std::path::PathBuf, bool)>,
    /// The container's length in `tb` units, when it tells.
    len_ts: Option<u64>,
    /// Matroska: the first packet read after a seek (timestamp, bytes). symphonia 0.5's
    /// Matroska seek leaves the packet it found queued and reads its block again, so the same
    /// packet can come twice in a row: the second is dropped.
    after_seek: Option<(u64, Vec<u8>)>,
    snap: bool,
    sbuf: Option<SampleBuffer<f32>>,
    last_packet_dur: u64,
    last_decoded_frames: u64,
    decoded_rate: u32,
    decoded_channels: u16,
}

impl RawDecode for SymRaw {
    fn raw_seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let ts = frames_to_ts((frame + self.priming).saturating_sub(self.preroll), self.tb, self.rate);
        let to = || SeekTo::TimeStamp { ts, track_id: self.track_id };
        match self.reader.seek(SeekMode::Accurate, to()) {
            // Landed later than asked (a forward-only seek): read the file again from the start.
            Ok(got) if got.actual_ts > got.required_ts => {
                if let Some((path, seekable)) = &self.reopen {
                    self.reader = probe_reader(path, *seekable).map_err(|e| AudioError::Decode(sym_err(e)))?;
                    match self.reader.seek(SeekMode::Accurate, to()) {
                        Ok(_) | Err(SymError::SeekError(_)) => {}
                        Err(e) => return Err(AudioError::Decode(sym_err(e))),
                    }
                }
            }
            Ok(_) => {}
            // Before the first cluster that Matroska's Cues list (a video WebM's audio starts
            // before it): read the file again from the start.
            Err(SymError::SeekError(_)) if self.reopen.is_some() && self.len_ts.is_none_or(|l| ts < l) => {
                let (path, seekable) = self.reopen.as_ref().unwrap();
                self.reader = probe_reader(path, *seekable).map_err(|e| AudioError::Decode(sym_err(e)))?;
            }
            // Past the end: the next read returns None.
            Err(SymError::SeekError(_)) => {}
            Err(e) => return Err(AudioError::Decode(sym_err(e))),
        }
        self.decoder.reset();
        self.after_seek = self.reopen.as_ref().map(|_| (u64::MAX, Vec::new()));
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
            match self.after_seek.take() {
                Some((u64::MAX, _)) => self.after_seek = Some((packet.ts, packet.data.to_vec())),
                Some((ts, data)) if ts == packet.ts && *data == *packet.data => continue,
                _ => {}
            }
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    self.decoded_rate = decoded.spec().rate;
                    self.decoded_channels = decoded.spec().channels.count() as u16;
                    let frames = copy_out(decoded, &mut self.sbuf, buf) as u64;
                    self.last_decoded_frames = frames;
                    self.last_packet_dur = packet.dur;
                    let ts = packet.ts + packet.trim_start() as u64;
                    let mut at = ts_to_frames(ts, self.tb, self.rate.max(1));
                    if self.snap && frames > 0 {
                        at = (at + frames / 2) / frames * frames;
                    }
                    let start = at as i64 - self.priming as i64;
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
