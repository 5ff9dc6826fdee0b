//! Where the samples go: the sound device through rodio, a real-time clock thread when there is
//! no device, or nothing (a tap that tests and `probe` pull from).

use std::num::{NonZeroU16, NonZeroU32};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::ring::Pipe;
use super::{OutputKind, Shared, lock};

pub(crate) enum Output {
    Device,
    Clock,
    Tap,
}

impl From<OutputKind> for Output {
    fn from(k: OutputKind) -> Output {
        match k {
            OutputKind::Device => Output::Device,
            OutputKind::Clock => Output::Clock,
        }
    }
}

pub(crate) struct DeviceOut {
    pub sink: rodio::stream::MixerDeviceSink,
    pub latency_s: f64,
}

fn fatal(kind: rodio::CpalErrorKind) -> bool {
    use rodio::CpalErrorKind as K;
    !matches!(kind, K::DeviceChanged | K::Xrun | K::RealtimeDenied)
}

pub(crate) fn open_device(shared: &Arc<Shared>) -> Result<DeviceOut, String> {
    let sh = Arc::downgrade(shared);
    let builder = rodio::DeviceSinkBuilder::from_default_device().map_err(|e| e.to_string())?;
    let mut sink = builder
        .with_error_callback(move |e: rodio::CpalError| {
            if fatal(e.kind())
                && let Some(sh) = sh.upgrade()
            {
                *lock(&sh.device_error) = Some(e.to_string());
            }
        })
        .open_stream()
        .map_err(|e| {
            let mut m = e.to_string();
            if let Some(src) = std::error::Error::source(&e) {
                m = format!("{m}: {src}");
            }
            m
        })?;
    sink.log_on_drop(false);
    let cfg = *sink.config();
    // cpal's fixed buffer size is the period; the ALSA buffer holds two periods and each
    // callback writes one, so the sample being heard is 1 to 2 periods behind the last one
    // written (the source's read index): 1.5 periods is the middle of that sawtooth. Measured
    // through a PulseAudio null sink (tests/audio.rs): mean error +4 ms with 1.5, +25 ms with 1.
    let latency_s = match cfg.buffer_size() {
        rodio::cpal::BufferSize::Fixed(n) => 1.5 * *n as f64 / cfg.sample_rate().get() as f64,
        _ => 0.05,
    };
    Ok(DeviceOut { sink, latency_s })
}

/// rodio source reading our ring.
struct PipeSource {
    pipe: Arc<Pipe>,
    buf: Vec<f32>,
    pos: usize,
}

const BLOCK_FRAMES: usize = 64;

impl Iterator for PipeSource {
    type Item = f32;
    fn next(&mut self) -> Option<f32> {
        if self.pos >= self.buf.len() {
            if self.pipe.closed.load(Ordering::Relaxed) {
                return None;
            }
            self.pipe.pull(&mut self.buf);
            self.pos = 0;
        }
        let s = self.buf[self.pos];
        self.pos += 1;
        Some(s)
    }
}

impl rodio::Source for PipeSource {
    fn current_span_len(&self) -> Option<usize> {
        None
    }
    fn channels(&self) -> rodio::ChannelCount {
        NonZeroU16::new(self.pipe.channels).unwrap_or(NonZeroU16::MIN)
    }
    fn sample_rate(&self) -> rodio::SampleRate {
        NonZeroU32::new(self.pipe.rate).unwrap_or(NonZeroU32::MIN)
    }
    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

/// Consume samples at the real rate with no device.
pub(crate) fn spawn_clock(pipe: Arc<Pipe>) {
    let _ = std::thread::Builder::new().name("turnfix-audio-clock".into()).spawn(move || {
        let ch = pipe.channels as u64;
        let per_sec = pipe.rate as f64 * ch as f64;
        let start = Instant::now();
        let mut done = 0u64;
        let mut buf = vec![0f32; 8192];
        while !pipe.closed.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(2));
            let mut due = (start.elapsed().as_secs_f64() * per_sec) as u64;
            due -= due % ch;
            while done < due {
                let n = ((due - done) as usize).min(buf.len() - buf.len() % ch as usize);
                pipe.pull(&mut buf[..n]);
                done += n as u64;
            }
        }
    });
}
/// Connect `pipe` to the output: the device's mixer, a clock thread, or nothing (a tap).
pub(crate) fn attach(output: &Output, device: Option<&DeviceOut>, pipe: &Arc<Pipe>) {
    match output {
        Output::Device => {
            if let Some(d) = device {
                let lat = d.latency_s * pipe.rate as f64 * pipe.channels as f64;
                pipe.latency.store(lat as u64 + (BLOCK_FRAMES * pipe.channels as usize / 2) as u64, Ordering::Relaxed);
                let src = PipeSource {
                    pipe: pipe.clone(),
                    buf: vec![0.0; BLOCK_FRAMES * pipe.channels as usize],
                    pos: usize::MAX,
                };
                d.sink.mixer().add(src);
            }
        }
        Output::Clock => {
            pipe.latency.store(0, Ordering::Relaxed);
            spawn_clock(pipe.clone());
        }
        Output::Tap => {}
    }
}
