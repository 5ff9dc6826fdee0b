//! Waveform overview: min/max per 10 ms bucket, computed by one streaming decode and cached on
//! disk keyed by the file's path, size and mtime.
//!
//! The same decode also feeds a 16 kHz mono stream to a [`Listener`] (speech activity, voice
//! features: see [`super::analysis`]), so the recording is decoded once for all of them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::mono16k::Mono16k;
pub use super::mono16k::{Listener, NoListener};
use super::{AudioError, Peaks, decode};

pub const MS_PER_BUCKET: u32 = 10;
const MAGIC: &[u8; 8] = b"TFPEAKS1";

/// Decode the whole file once and reduce it to peaks. Returns the peaks and the number of frames
/// actually decoded (the true length).
/// Recordings of a minute or more are decoded in two halves on two threads.
pub fn compute(path: &Path, cancel: &AtomicBool, progress: impl FnMut(f32)) -> Result<(Peaks, u64), AudioError> {
    let stream = decode::open(path)?;
    let source = stream.source();
    let (p, f, _) = compute_from(stream, &source, Some(SPLIT_MIN_SECONDS), cancel, progress, &|_| NoListener)?;
    Ok((p, f))
}

/// [`compute_source`] that also feeds the recording, as 16 kHz mono, to listeners made by
/// `make(first_sample)`: one per stretch decoded (two when the file is split over two threads),
/// returned in time order; each is fed contiguous samples from its `first_sample` on.
pub fn compute_listening<L: Listener>(
    source: &decode::Source,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    make: &(dyn Fn(u64) -> L + Sync),
) -> Result<(Peaks, u64, Vec<L>), AudioError> {
    compute_from(source.open()?, source, Some(SPLIT_MIN_SECONDS), cancel, progress, make)
}

/// [`compute_listening`] on `threads` threads (1, or 2 for MP3, WAV and FLAC whatever the length).
pub fn compute_listening_threads<L: Listener>(
    source: &decode::Source,
    threads: usize,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
    make: &(dyn Fn(u64) -> L + Sync),
) -> Result<(Peaks, u64, Vec<L>), AudioError> {
    compute_from(source.open()?, source, (threads > 1).then_some(0), cancel, progress, make)
}

/// [`compute`] on `threads` threads (1, or 2 whatever the length for MP3, WAV and FLAC): for
/// tests and benches comparing the split pass with the single one.
pub fn compute_threads(
    path: &Path,
    threads: usize,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<(Peaks, u64), AudioError> {
    let stream = decode::open(path)?;
    let source = stream.source();
    let (p, f, _) = compute_from(stream, &source, (threads > 1).then_some(0), cancel, progress, &|_| NoListener)?;
    Ok((p, f))
}

/// [`compute`] for a recording already open (the MP3 bytes are shared, not read again).
pub fn compute_source(
    source: &decode::Source,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<(Peaks, u64), AudioError> {
    let (p, f, _) = compute_from(source.open()?, source, Some(SPLIT_MIN_SECONDS), cancel, progress, &|_| NoListener)?;
    Ok((p, f))
}

/// Recordings shorter than this are reduced on one thread.
const SPLIT_MIN_SECONDS: u64 = 60;

/// The two halves of the file are decoded on two threads: the second half by a decoder seeked to
/// the first frame of a bucket near the middle (the seek decodes a few frames before it and
/// drops them, so the MP3 bit reservoir and the MDCT overlap are refilled), the first half up to
/// that frame. The buckets meet exactly at the split, which falls on a multiple of 80 ms so that
/// the 16 kHz stream splits on a whole 16 ms detector frame too.
fn compute_from<L: Listener>(
    mut first: decode::AudioStream,
    source: &decode::Source,
    split_min_seconds: Option<u64>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(f32),
    make: &(dyn Fn(u64) -> L + Sync),
) -> Result<(Peaks, u64, Vec<L>), AudioError> {
    let info = first.info().clone();
    let rate = info.sample_rate.max(1) as u64;
    let per_sec = 1000 / MS_PER_BUCKET as u64;
    let expect = info.frames.unwrap_or(0);
    let split_bucket = expect / 2 * per_sec / rate / SPLIT_BUCKETS * SPLIT_BUCKETS;
    let split = (split_bucket * rate).div_ceil(per_sec);
    // Only where a seek gives exactly the samples of a decode from the start: MP3 (frame index,
    // bit-reservoir preroll), WAV, FLAC. After a seek symphonia's AAC decoder differs from the
    // continuous decode by up to 4e-4 for the rest of the file, so M4A (1.03× decode) stays whole.
    let exact = matches!(info.container.as_str(), "MP3" | "WAV" | "FLAC");
    let second = if exact && split_min_seconds.is_some_and(|m| expect >= m * rate) && split > 0 {
        source.open().and_then(|mut s| s.seek(split).map(|_| s)).ok()
    } else {
        None
    };
    let Some(mut second) = second else {
        let done = AtomicU64::new(0);
        let mut acc = Acc::new(&info, 0, make(0));
        let r = acc.run(&mut first, u64::MAX, cancel, &done, |d| report(&mut progress, d, expect));
        r?;
        progress(1.0);
        let frames = acc.frames;
        let (peaks, l) = acc.finish();
        return Ok((peaks, frames, vec![l]));
    };
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let (a, b) = std::thread::scope(|sc| {
        let (stop, done, info) = (&stop, &done, &info);
        let h = std::thread::Builder::new().name("turnfix-peaks2".into()).spawn_scoped(sc, move || {
            let mut acc = Acc::new(info, split_bucket as usize, make(split_bucket * 160));
            let stopped = StopEither(cancel, stop);
            let r = acc.run(&mut second, u64::MAX, &stopped, done, |_| {});
            if r.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            r.map(|_| acc)
        });
        let h = match h {
            Ok(h) => h,
            Err(e) => return (Err(AudioError::Decode(format!("peaks thread: {e}"))), None),
        };
        let mut acc = Acc::new(info, 0, make(0));
        let stopped = StopEither(cancel, stop);
        let r = acc.run(&mut first, split, &stopped, done, |d| report(&mut progress, d, expect));
        if r.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        while !h.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(20));
            report(&mut progress, done.load(Ordering::Relaxed), expect);
        }
        let b = h.join().unwrap_or_else(|_| Err(AudioError::Decode("peaks thread panicked".into())));
        (r.map(|_| acc), Some(b))
    });
    let mut a = a?;
    let b = b.expect("second half ran")?;
    if cancel.load(Ordering::Relaxed) {
        return Err(AudioError::Cancelled);
    }
    if a.frames < split {
        // Shorter than the container claimed: the first half is the whole recording.
        progress(1.0);
        let frames = a.frames;
        let (peaks, l) = a.finish();
        return Ok((peaks, frames, vec![l]));
    }
    let la = a.mono.finish();
    let lb = b.mono.finish();
    // First half: buckets [0, split_bucket); second half from split_bucket.
    a.min.truncate(split_bucket as usize);
    a.max.truncate(split_bucket as usize);
    a.min.resize(split_bucket as usize, 0.0);
    a.max.resize(split_bucket as usize, 0.0);
    a.min.extend_from_slice(&b.min);
    a.max.extend_from_slice(&b.max);
    let frames = b.frames.max(a.frames);
    progress(1.0);
    Ok((Peaks { ms_per_bucket: MS_PER_BUCKET, min: a.min, max: a.max }, frames, vec![la, lb]))
}

/// The split point is a multiple of this many buckets (80 ms: 5 frames of 16 ms at 16 kHz).
const SPLIT_BUCKETS: u64 = 8;

fn report(progress: &mut impl FnMut(f32), done: u64, expect: u64) {
    if expect > 0 {
        progress((done as f32 / expect as f32).min(0.99));
    }
}

/// Either flag set.
struct StopEither<'a>(&'a AtomicBool, &'a AtomicBool);

trait Stop {
    fn stopped(&self) -> bool;
}
impl Stop for AtomicBool {
    fn stopped(&self) -> bool {
        self.load(Ordering::Relaxed)
    }
}
impl Stop for StopEither<'_> {
    fn stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed) || self.1.load(Ordering::Relaxed)
    }
}

/// Min/max buckets of one stretch of the recording; bucket `base + i` is stored at `i`.
struct Acc<L: Listener> {
    ch: usize,
    rate: u64,
    base: usize,
    min: Vec<f32>,
    max: Vec<f32>,
    /// End of the last decoded chunk (recording frame).
    frames: u64,
    /// The 16 kHz mono stream and its listener.
    mono: Mono16k<L>,
}

impl<L: Listener> Acc<L> {
    fn new(info: &decode::StreamInfo, base: usize, listener: L) -> Acc<L> {
        let rate = info.sample_rate.max(1) as u64;
        let per_sec = 1000 / MS_PER_BUCKET as u64;
        let cap = (info.frames.unwrap_or(0) * per_sec / rate + 2).saturating_sub(base as u64) as usize;
        Acc {
            ch: info.channels.max(1) as usize,
            rate,
            base,
            min: Vec::with_capacity(cap),
            max: Vec::with_capacity(cap),
            frames: 0,
            mono: Mono16k::new(info.sample_rate.max(1), info.channels.max(1), listener),
        }
    }

    fn finish(self) -> (Peaks, L) {
        (Peaks { ms_per_bucket: MS_PER_BUCKET, min: self.min, max: self.max }, self.mono.finish())
    }

    /// Decode `stream` up to frame `until` (or its end); adds the frames decoded to `done`
    /// and calls `tick` with its total about every 10 s of audio.
    fn run(
        &mut self,
        stream: &mut decode::AudioStream,
        until: u64,
        cancel: &impl Stop,
        done: &AtomicU64,
        mut tick: impl FnMut(u64),
    ) -> Result<(), AudioError> {
        let (ch, rate) = (self.ch, self.rate);
        let per_sec = 1000 / MS_PER_BUCKET as u64;
        let mut buf = Vec::new();
        let mut since = 0u64;
        while let Some(start) = stream.next_chunk(&mut buf)? {
            if cancel.stopped() {
                return Err(AudioError::Cancelled);
            }
            if start >= until {
                break;
            }
            let n = (buf.len() / ch) as u64;
            let end = (start + n).min(until);
            if end > start {
                self.mono.push(start, &buf[..(end - start) as usize * ch]);
            }
            let mut f = start;
            let mut i = 0usize;
            while f < end {
                let bucket = (f * per_sec / rate) as usize;
                // First frame of the next bucket.
                let next = ((bucket as u64 + 1) * rate).div_ceil(per_sec).min(end);
                let cnt = ((next - f) as usize) * ch;
                let (lo, hi) = min_max(&buf[i..i + cnt]);
                let b = bucket - self.base;
                if self.min.len() <= b {
                    self.min.resize(b + 1, 0.0);
                    self.max.resize(b + 1, 0.0);
                    self.min[b] = lo;
                    self.max[b] = hi;
                } else {
                    self.min[b] = self.min[b].min(lo);
                    self.max[b] = self.max[b].max(hi);
                }
                i += cnt;
                f = next;
            }
            since += end - start;
            self.frames = end;
            if since > rate * 10 {
                let total = done.fetch_add(since, Ordering::Relaxed) + since;
                since = 0;
                tick(total);
            }
            if end >= until {
                break;
            }
        }
        done.fetch_add(since, Ordering::Relaxed);
        Ok(())
    }
}

/// Smallest and largest sample (NaN ignored). Eight lanes of compare-and-select, which the
/// compiler turns into SIMD min/max (`f32::min` chains do not vectorize): on a stereo 44.1 kHz
/// file the scalar loop made the peaks pass cost 1.28× the bare decode.
fn min_max(s: &[f32]) -> (f32, f32) {
    let mut lo = [f32::MAX; 8];
    let mut hi = [f32::MIN; 8];
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            lo[k] = if c[k] < lo[k] { c[k] } else { lo[k] };
            hi[k] = if c[k] > hi[k] { c[k] } else { hi[k] };
        }
    }
    let mut l = lo.iter().fold(f32::MAX, |a, &b| a.min(b));
    let mut h = hi.iter().fold(f32::MIN, |a, &b| a.max(b));
    for &x in chunks.remainder() {
        l = l.min(x);
        h = h.max(x);
    }
    (l, h)
}

/// Where peaks are cached, in order: `$XDG_CACHE_HOME/turnfix/peaks` (else
/// `~/.cache/turnfix/peaks`), then `<temp dir>/turnfix/peaks`, used when the first cannot be
/// written (read-only home, a cache path that is a file, a full disk).
pub fn cache_dirs() -> Vec<PathBuf> {
    let tmp = std::env::temp_dir().join("turnfix").join("peaks");
    let main = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join("turnfix"))
        .or_else(|| {
            std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".cache").join("turnfix"))
        })
        .map(|d| d.join("peaks"));
    let mut dirs: Vec<PathBuf> = main.into_iter().collect();
    if !dirs.contains(&tmp) {
        dirs.push(tmp);
    }
    dirs
}

/// Name of the cache file of `path` (a SHA-256 of its canonical path, size and mtime); None
/// when the file cannot be stat'ed.
fn cache_name(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut h = Sha256::new();
    h.update(abs.to_string_lossy().as_bytes());
    h.update(meta.len().to_le_bytes());
    h.update(mtime.as_nanos().to_le_bytes());
    let hex: String = h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("{hex}.bin"))
}

/// Where the peaks of `path` are cached in the first cache directory; None when the file cannot
/// be stat'ed.
pub fn cache_path(path: &Path) -> Option<PathBuf> {
    Some(cache_dirs().first()?.join(cache_name(path)?))
}

/// The cached peaks of `path` and its decoded length in frames, from the first cache directory
/// that has them.
pub fn load_cached(path: &Path) -> Option<(Peaks, u64)> {
    load_cached_from(&cache_dirs(), path)
}

/// [`load_cached`] with explicit cache directories.
pub fn load_cached_from(dirs: &[PathBuf], path: &Path) -> Option<(Peaks, u64)> {
    let name = cache_name(path)?;
    dirs.iter().find_map(|d| parse(&std::fs::read(d.join(&name)).ok()?))
}

fn parse(bytes: &[u8]) -> Option<(Peaks, u64)> {
    if bytes.len() < 28 || &bytes[..8] != MAGIC {
        return None;
    }
    let ms = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let frames = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    let n = u64::from_le_bytes(bytes[20..28].try_into().ok()?) as usize;
    let body = &bytes[28..];
    if body.len() != n.checked_mul(8)? {
        return None;
    }
    let read = |b: &[u8]| b.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect::<Vec<_>>();
    Some((Peaks { ms_per_bucket: ms, min: read(&body[..n * 4]), max: read(&body[n * 4..]) }, frames))
}

/// Cache the peaks of `path`. Returns the file written, or None when no cache directory could
/// be written: not an error, the caller keeps the peaks in memory and computes them again next
/// time.
pub fn store_cached(path: &Path, peaks: &Peaks, frames: u64) -> Option<PathBuf> {
    store_cached_in(&cache_dirs(), path, peaks, frames)
}

/// [`store_cached`] with explicit cache directories, tried in order.
pub fn store_cached_in(dirs: &[PathBuf], path: &Path, peaks: &Peaks, frames: u64) -> Option<PathBuf> {
    let name = cache_name(path)?;
    let mut out = Vec::with_capacity(28 + peaks.min.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&peaks.ms_per_bucket.to_le_bytes());
    out.extend_from_slice(&frames.to_le_bytes());
    out.extend_from_slice(&(peaks.min.len() as u64).to_le_bytes());
    for v in peaks.min.iter().chain(&peaks.max) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let write = |dir: &Path| -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let dest = dir.join(&name);
        let tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::fs::write(tmp.path(), &out)?;
        tmp.persist(&dest).map_err(|e| e.error)?;
        Ok(dest)
    };
    dirs.iter().find_map(|d| write(d).ok())
}
