//! The playback worker: owns the decoder, decodes ahead into the ring, handles commands, and
//! drives the output (device through rodio, or the real-time clock with no device).

use std::num::{NonZeroU16, NonZeroU32};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use super::decode::{self, AudioStream};
use super::output::{self, DeviceOut, Output, open_device};
use super::ring::Pipe;
use super::voice::feed::{self, VoiceJob};
use super::{Cmd, LoadStatus, Shared, analysis, lock};

/// Ring capacity (2^18 samples) and how far ahead the worker decodes.
const RING_POW2: u32 = 18;
const AHEAD_SECS: f64 = 0.5;

struct Loaded {
    stream: AudioStream,
    pipe: Arc<Pipe>,
    ch: usize,
    rate: u32,
    eof: bool,
    range_end: Option<u64>,
    loop_range: Option<(u64, u64)>,
    stretch: Option<wsola::TimeStretch>,
    st_rec: f64,
    st_out: u64,
    buf: Vec<f32>,
    out: Vec<f32>,
}

struct Worker {
    shared: Arc<Shared>,
    repaint: Arc<dyn Fn() + Send + Sync>,
    output: Output,
    device: Option<DeviceOut>,
    cur: Option<Loaded>,
    speed: f32,
    volume: f32,
    playing: bool,
    peaks_cancel: Arc<AtomicBool>,
    /// When the device was reopened after an error (the last 10 s).
    reopened: Vec<Instant>,
}

pub(crate) fn run(shared: Arc<Shared>, rx: Receiver<Cmd>, repaint: Arc<dyn Fn() + Send + Sync>, output: Output) {
    let mut w = Worker {
        shared,
        repaint,
        output,
        device: None,
        cur: None,
        speed: 1.0,
        volume: 1.0,
        playing: false,
        peaks_cancel: Arc::new(AtomicBool::new(false)),
        reopened: Vec::new(),
    };
    if matches!(w.output, Output::Device) {
        match open_device(&w.shared) {
            Ok(d) => w.device = Some(d),
            Err(e) => {
                w.output = Output::Clock;
                lock(&w.shared.state).output_note = Some(format!("No audio output device: {e} (playback is silent)"));
                (w.repaint)();
            }
        }
    }
    loop {
        let busy = w.wants_fill();
        let cmd = if busy {
            match rx.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else {
            match rx.recv_timeout(Duration::from_millis(5)) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        };
        match cmd {
            Some(Cmd::Shutdown) => break,
            Some(c) => w.handle(c),
            None => {}
        }
        w.check_device();
        w.fill_one();
        w.check_end();
    }
    w.unload();
}

impl Worker {
    fn repaint(&self) {
        (self.repaint)();
    }

    fn new_gen(&self) -> u64 {
        self.shared.next_gen.fetch_add(1, Ordering::Relaxed)
    }

    fn set_state(&self, f: impl FnOnce(&mut super::PlayerState)) {
        f(&mut lock(&self.shared.state));
        self.repaint();
    }

    fn duration_frames(&self) -> Option<u64> {
        lock(&self.shared.info).as_ref().and_then(|i| i.frames)
    }

    fn heard(&self) -> u64 {
        self.cur.as_ref().and_then(|l| l.pipe.heard_frame()).map_or(0, |f| f.max(0.0) as u64)
    }

    fn ms_to_frames(&self, ms: u64) -> u64 {
        self.cur.as_ref().map_or(0, |l| ms * l.rate as u64 / 1000)
    }

    fn unload(&mut self) {
        self.peaks_cancel.store(true, Ordering::Relaxed);
        if let Some(l) = self.cur.take() {
            l.pipe.playing.store(false, Ordering::Relaxed);
            l.pipe.closed.store(true, Ordering::Relaxed);
        }
        *lock(&self.shared.pipe) = None;
        *lock(&self.shared.info) = None;
        self.playing = false;
    }

    fn handle(&mut self, c: Cmd) {
        match c {
            Cmd::Load(path, job) => self.load(path, job),
            Cmd::Unload => {
                self.unload();
                *lock(&self.shared.peaks) = (None, 0.0);
                *lock(&self.shared.speech) = None;
                self.set_state(|s| {
                    s.status = LoadStatus::NoFile;
                    s.playing = false;
                    s.position_ms = 0;
                    s.duration_ms = None;
                });
            }
            Cmd::Play => self.play(),
            Cmd::Pause => self.pause(),
            Cmd::Toggle => {
                if self.playing {
                    self.pause()
                } else {
                    self.play()
                }
            }
            Cmd::Seek(ms, g) => {
                if let Some(l) = self.cur.as_mut() {
                    l.range_end = None;
                }
                let f = self.ms_to_frames(ms);
                self.seek_to(f, g);
            }
            Cmd::Skip(d, g) => {
                if let Some(l) = self.cur.as_mut() {
                    l.range_end = None;
                    let pos = self.heard() as i64 + d * self.cur.as_ref().unwrap().rate as i64 / 1000;
                    self.seek_to(pos.max(0) as u64, g);
                }
            }
            Cmd::Speed(s, g) => {
                let s = if s.is_finite() { s.clamp(0.5, 2.0) } else { 1.0 };
                self.speed = s;
                let pos = self.heard();
                if let Some(l) = self.cur.as_mut() {
                    set_stretch(l, s);
                    self.seek_to(pos, g);
                }
                self.set_state(|st| st.speed = s);
            }
            Cmd::Volume(v) => {
                let v = if v.is_finite() { v.clamp(0.0, 2.0) } else { 1.0 };
                self.volume = v;
                if let Some(l) = &self.cur {
                    l.pipe.volume.store(v.to_bits(), Ordering::Relaxed);
                }
                self.set_state(|st| st.volume = v);
            }
            Cmd::PlayRange(a, b, g) => {
                let (fa, fb) = (self.ms_to_frames(a), self.ms_to_frames(b));
                if let Some(l) = self.cur.as_mut() {
                    l.loop_range = None;
                    l.range_end = Some(fb.max(fa));
                    self.seek_to(fa, g);
                    self.start_playing();
                }
            }
            Cmd::Loop(r, g) => {
                let r = r.map(|(a, b)| (self.ms_to_frames(a), self.ms_to_frames(b))).filter(|(a, b)| b > a);
                let mut pos = self.heard();
                if let Some(l) = self.cur.as_mut() {
                    l.loop_range = r;
                    l.range_end = None;
                    if let Some((a, b)) = r
                        && !(a..b).contains(&pos)
                    {
                        pos = a;
                    }
                    self.seek_to(pos, g);
                }
            }
            Cmd::Shutdown => {}
            #[cfg(test)]
            Cmd::Panic => panic!("test panic"),
        }
    }

    fn load(&mut self, path: PathBuf, job: Option<VoiceJob>) {
        self.unload();
        self.peaks_cancel = Arc::new(AtomicBool::new(false));
        *lock(&self.shared.peaks) = (None, 0.0);
        *lock(&self.shared.speech) = None;
        self.set_state(|s| {
            s.status = LoadStatus::Loading;
            s.playing = false;
            s.position_ms = 0;
            s.duration_ms = None;
        });
        let stream = match decode::open(&path) {
            Ok(s) => s,
            Err(e) => {
                self.set_state(|s| s.status = LoadStatus::Failed(e.to_string()));
                return;
            }
        };
        let info = stream.info().clone();
        let source = stream.source();
        let pipe = Arc::new(Pipe::new(info.sample_rate, info.channels, RING_POW2));
        pipe.volume.store(self.volume.to_bits(), Ordering::Relaxed);
        *lock(&self.shared.pipe) = Some(pipe.clone());
        *lock(&self.shared.info) = Some(info.clone());
        output::attach(&self.output, self.device.as_ref(), &pipe);
        let mut l = Loaded {
            stream,
            pipe: pipe.clone(),
            ch: info.channels.max(1) as usize,
            rate: info.sample_rate,
            eof: false,
            range_end: None,
            loop_range: None,
            stretch: None,
            st_rec: 0.0,
            st_out: 0,
            buf: Vec::new(),
            out: Vec::new(),
        };
        set_stretch(&mut l, self.speed);
        self.cur = Some(l);
        let g = self.new_gen();
        self.seek_to(0, g);
        self.set_state(|s| {
            s.status = LoadStatus::Ready;
            s.duration_ms = info.duration_ms();
        });
        self.spawn_peaks(path, source, pipe, info.duration_ms(), job);
    }

    /// The peaks and speech activity of the recording (cached, else the one pass), with the
    /// voices of `job`'s turns when the pass runs (else the job is declined).
    fn spawn_peaks(
        &self,
        path: PathBuf,
        source: decode::Source,
        pipe: Arc<Pipe>,
        duration_ms: Option<u64>,
        job: Option<VoiceJob>,
    ) {
        let shared = self.shared.clone();
        let cancel = self.peaks_cancel.clone();
        let repaint = self.repaint.clone();
        let _ = std::thread::Builder::new().name("turnfix-peaks".into()).spawn(move || {
            let same = |sh: &Shared| lock(&sh.pipe).as_ref().is_some_and(|p| Arc::ptr_eq(p, &pipe));
            // One pass: peaks and speech activity (cached together, see analysis.rs).
            let result = match analysis::load_cached(&path) {
                Some(a) => {
                    if let Some(job) = job {
                        job.decline();
                    }
                    Ok(a)
                }
                None => {
                    let mut last = Instant::now();
                    let progress = |p| {
                        lock(&shared.peaks).1 = p;
                        if last.elapsed() > Duration::from_millis(100) {
                            last = Instant::now();
                            repaint();
                        }
                    };
                    let r = match job {
                        Some(job) => feed::listen(&source, duration_ms, job, &cancel, progress, &*repaint),
                        None => analysis::compute_source(&source, &cancel, progress),
                    };
                    if let Ok(a) = &r {
                        // None: no cache dir is writable; the results stay in memory only.
                        let _ = analysis::store_cached(&path, a);
                    }
                    r
                }
            };
            let Ok(analysis::Analysis { peaks: p, frames, speech, .. }) = result else { return };
            if !same(&shared) || cancel.load(Ordering::Relaxed) {
                return;
            }
            // The decoded length is the truth when the container's claim differs.
            if frames > 0 {
                if let Some(i) = lock(&shared.info).as_mut() {
                    i.frames = Some(frames);
                }
                lock(&shared.state).duration_ms = Some(frames * 1000 / pipe.rate.max(1) as u64);
            }
            *lock(&shared.speech) = Some(Arc::new(speech));
            *lock(&shared.peaks) = (Some(Arc::new(p)), 1.0);
            repaint();
        });
    }

    /// Flush and restart decoding at recording frame `frame`; the output's next samples carry
    /// generation `g`.
    fn seek_to(&mut self, frame: u64, g: u64) {
        let dur = self.duration_frames();
        let Some(l) = self.cur.as_mut() else { return };
        let frame = dur.map_or(frame, |d| frame.min(d));
        let ratio = l.stretch.as_ref().map_or(1.0, |s| s.tempo() as f64);
        l.eof = l.stream.seek(frame).is_err();
        l.pipe.flush(g, frame as f64, ratio);
        if let Some(s) = l.stretch.as_mut() {
            s.reset();
        }
        l.st_rec = frame as f64;
        l.st_out = 0;
        // Decode the first chunk right away: the seek latency is this.
        self.fill_one();
        self.repaint();
    }

    fn start_playing(&mut self) {
        if let Some(l) = &self.cur {
            l.pipe.playing.store(true, Ordering::Release);
            self.playing = true;
            self.set_state(|s| s.playing = true);
        }
    }

    fn play(&mut self) {
        let Some(l) = &self.cur else { return };
        if l.eof && l.pipe.drained() {
            let pos = self.heard();
            let end = self.duration_frames().unwrap_or(u64::MAX);
            let at_end = pos + (l.rate as u64 / 10) >= end;
            let g = self.new_gen();
            self.seek_to(if at_end { 0 } else { pos }, g);
        }
        self.start_playing();
    }

    fn pause(&mut self) {
        let Some(l) = &self.cur else {
            self.playing = false;
            return;
        };
        l.pipe.playing.store(false, Ordering::Release);
        if self.playing {
            self.playing = false;
            // Resume exactly where the listener stopped hearing.
            let pos = self.heard();
            let g = self.new_gen();
            let (range, lp) = (l.range_end, l.loop_range);
            self.seek_to(pos, g);
            if let Some(l) = self.cur.as_mut() {
                (l.range_end, l.loop_range) = (range, lp);
            }
        }
        self.set_state(|s| s.playing = false);
    }

    fn wants_fill(&self) -> bool {
        self.cur
            .as_ref()
            .is_some_and(|l| !l.eof && (l.pipe.buffered() as f64) < AHEAD_SECS * (l.rate as f64) * l.ch as f64)
    }

    /// Decode one chunk into the ring when it is below the decode-ahead target.
    fn fill_one(&mut self) {
        if !self.wants_fill() {
            return;
        }
        let Some(l) = self.cur.as_mut() else { return };
        let mut buf = std::mem::take(&mut l.buf);
        match l.stream.next_chunk(&mut buf) {
            Ok(Some(start)) => {
                let n = (buf.len() / l.ch) as u64;
                let limit = match (l.range_end, l.loop_range) {
                    (Some(e), _) => Some(e),
                    (None, Some((_, b))) => Some(b),
                    _ => None,
                };
                let mut hit = false;
                if let Some(lim) = limit
                    && start + n >= lim
                {
                    buf.truncate(lim.saturating_sub(start) as usize * l.ch);
                    hit = true;
                }
                emit(l, start, &buf);
                if hit {
                    match (l.range_end, l.loop_range) {
                        (None, Some((a, _))) => {
                            if l.stream.seek(a).is_err() {
                                l.eof = true;
                            }
                            drain_stretch(l);
                            if let Some(s) = l.stretch.as_mut() {
                                s.reset();
                            }
                            l.st_rec = a as f64;
                            l.st_out = 0;
                        }
                        _ => {
                            l.eof = true;
                            drain_stretch(l);
                        }
                    }
                }
            }
            Ok(None) => {
                l.eof = true;
                drain_stretch(l);
            }
            Err(_) => {
                l.eof = true;
            }
        }
        l.buf = buf;
    }

    fn check_end(&mut self) {
        let Some(l) = &self.cur else { return };
        if self.playing && l.eof && l.pipe.drained() {
            l.pipe.playing.store(false, Ordering::Release);
            self.playing = false;
            if let Some(l) = self.cur.as_mut() {
                l.range_end = None;
            }
            self.set_state(|s| s.playing = false);
        }
    }

    fn check_device(&mut self) {
        let Some(err) = lock(&self.shared.device_error).take() else {
            return;
        };
        if !matches!(self.output, Output::Device) {
            return;
        }
        // A transient failure gets the device reopened, up to 3 times in 10 s (ALSA's pulse
        // plugin reports EIO from snd_pcm_avail_delay while its stream is still settling; after
        // an unplug the default device may be another one). Then it is given up.
        self.reopened.retain(|t| t.elapsed() < Duration::from_secs(10));
        if self.reopened.len() < 3 {
            self.reopened.push(Instant::now());
            // Drop the old stream first: the ring has one consumer.
            self.device = None;
            if let Ok(d) = open_device(&self.shared) {
                self.device = Some(d);
                if let Some(l) = &self.cur {
                    let pipe = l.pipe.clone();
                    output::attach(&self.output, self.device.as_ref(), &pipe);
                }
                return;
            }
        }
        // Stop cleanly, drop the device, and carry on with the silent clock.
        let was_playing = self.playing;
        self.pause();
        self.device = None;
        self.output = Output::Clock;
        if let Some(l) = &self.cur {
            let pipe = l.pipe.clone();
            output::attach(&self.output, self.device.as_ref(), &pipe);
        }
        let note =
            format!("Audio device lost: {err} ({}playback is silent)", if was_playing { "stopped; " } else { "" });
        self.set_state(|s| s.output_note = Some(note));
    }
}

fn set_stretch(l: &mut Loaded, speed: f32) {
    if (speed - 1.0).abs() < 0.005 {
        l.stretch = None;
        return;
    }
    match l.stretch.as_mut() {
        Some(s) => s.set_tempo(speed),
        None => {
            let (Some(r), Some(c)) = (NonZeroU32::new(l.rate), NonZeroU16::new(l.ch as u16)) else {
                return;
            };
            if let Ok(mut s) = wsola::TimeStretch::new(r, c) {
                s.set_tempo(speed);
                l.stretch = Some(s);
            }
        }
    }
}

/// Push decoded samples starting at recording frame `start` into the ring, through the
/// time-stretch when the speed is not 1.
fn emit(l: &mut Loaded, start: u64, samples: &[f32]) {
    if samples.is_empty() {
        return;
    }
    match l.stretch.as_mut() {
        None => {
            l.pipe.push(samples, start as f64, 1.0);
        }
        Some(s) => {
            s.push(samples);
            pull_stretch(l);
        }
    }
}

fn pull_stretch(l: &mut Loaded) {
    let Some(s) = l.stretch.as_mut() else { return };
    let block = s.min_output_buff_size() * 8;
    if l.out.len() != block {
        l.out.resize(block, 0.0);
    }
    let tempo = s.tempo() as f64;
    while let Ok(n) = s.pull(&mut l.out) {
        if n == 0 {
            break;
        }
        let rec = l.st_rec + l.st_out as f64 * tempo;
        l.pipe.push(&l.out[..n], rec, tempo);
        l.st_out += (n / l.ch) as u64;
    }
}

fn drain_stretch(l: &mut Loaded) {
    if let Some(s) = l.stretch.as_mut() {
        s.set_draining();
        pull_stretch(l);
    }
}
