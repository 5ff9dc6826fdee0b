//! The pipe between the decode worker and the output: a single-producer single-consumer ring of
//! samples with absolute indices, a flush (generation) word, and the map from ring index back to
//! recording time.
//!
//! The output side (audio callback, clock thread, or a test pulling directly) touches only atomics.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use super::lock;

const IDX_BITS: u32 = 40;
const IDX_MASK: u64 = (1 << IDX_BITS) - 1;

/// Recording position of the sample written at ring index `idx`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Marker {
    /// Absolute ring index (in samples, not frames) of the first sample of the chunk.
    pub idx: u64,
    /// Recording frame of that sample.
    pub rec: f64,
    /// Recording frames per output frame (the speed).
    pub ratio: f64,
}

pub(crate) struct Pipe {
    pub rate: u32,
    pub channels: u16,
    slots: Box<[AtomicU32]>,
    mask: u64,
    /// Next index the producer writes.
    write: AtomicU64,
    /// Index of the next sample the consumer reads (= samples consumed, absolute).
    read: AtomicU64,
    /// `(generation << 40) | index`: samples before `index` are stale and skipped.
    discard: AtomicU64,
    /// Generation of the last sample that left the source.
    pub out_gen: AtomicU64,
    pub playing: AtomicBool,
    /// Volume as f32 bits.
    pub volume: AtomicU32,
    /// Samples between the consumer and the ear (output buffer), in this pipe's samples.
    pub latency: AtomicU64,
    /// Set when the file is unloaded: the output source ends.
    pub closed: AtomicBool,
    markers: Mutex<VecDeque<Marker>>,
}

impl Pipe {
    pub fn new(rate: u32, channels: u16, capacity_pow2: u32) -> Pipe {
        let cap = 1usize << capacity_pow2;
        Pipe {
            rate,
            channels: channels.max(1),
            slots: (0..cap).map(|_| AtomicU32::new(0)).collect(),
            mask: cap as u64 - 1,
            write: AtomicU64::new(0),
            read: AtomicU64::new(0),
            discard: AtomicU64::new(0),
            out_gen: AtomicU64::new(0),
            playing: AtomicBool::new(false),
            volume: AtomicU32::new(1f32.to_bits()),
            latency: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            markers: Mutex::new(VecDeque::new()),
        }
    }

    pub fn capacity(&self) -> u64 {
        self.mask + 1
    }

    fn discard_word(&self) -> (u64, u64) {
        let d = self.discard.load(Ordering::Acquire);
        (d >> IDX_BITS, d & IDX_MASK)
    }

    // ---- producer side (the worker) ----

    /// Drop everything not yet played; the next samples written belong to generation `generation`
    /// and start at recording frame `rec`.
    pub fn flush(&self, generation: u64, rec: f64, ratio: f64) {
        let w = self.write.load(Ordering::Relaxed);
        {
            let mut m = lock(&self.markers);
            m.clear();
            m.push_back(Marker { idx: w, rec, ratio });
        }
        self.discard.store((generation << IDX_BITS) | (w & IDX_MASK), Ordering::Release);
    }

    /// Samples written and not yet consumed (of the current generation).
    pub fn buffered(&self) -> u64 {
        let w = self.write.load(Ordering::Relaxed);
        let start = self.read.load(Ordering::Acquire).max(self.discard_word().1);
        w.saturating_sub(start)
    }

    pub fn free(&self) -> u64 {
        self.capacity() - self.buffered().min(self.capacity())
    }

    /// Append samples (whole frames) that begin at recording frame `rec`. Returns how many were
    /// written (fewer when the ring is full).
    pub fn push(&self, samples: &[f32], rec: f64, ratio: f64) -> usize {
        let n = (self.free() as usize).min(samples.len());
        let n = n - n % self.channels as usize;
        if n == 0 {
            return 0;
        }
        let w = self.write.load(Ordering::Relaxed);
        {
            let mut m = lock(&self.markers);
            let consumed = self.read.load(Ordering::Relaxed);
            let keep_from = consumed.saturating_sub(self.capacity());
            while m.len() > 2 && m[1].idx <= keep_from {
                m.pop_front();
            }
            m.push_back(Marker { idx: w, rec, ratio });
        }
        for (i, s) in samples[..n].iter().enumerate() {
            self.slots[((w + i as u64) & self.mask) as usize].store(s.to_bits(), Ordering::Relaxed);
        }
        self.write.store(w + n as u64, Ordering::Release);
        n
    }

    // ---- consumer side (the output) ----

    /// Fill `out` with the next samples when playing (silence otherwise or on underrun).
    /// Returns the number of real samples.
    pub fn pull(&self, out: &mut [f32]) -> usize {
        let (generation, start) = self.discard_word();
        let mut r = self.read.load(Ordering::Relaxed);
        if r < start {
            r = start;
            self.read.store(r, Ordering::Release);
        }
        if !self.playing.load(Ordering::Acquire) {
            out.fill(0.0);
            return 0;
        }
        let w = self.write.load(Ordering::Acquire);
        let avail = w.saturating_sub(r) as usize;
        let n = avail.min(out.len());
        let n = n - n % self.channels as usize;
        let vol = f32::from_bits(self.volume.load(Ordering::Relaxed));
        for (i, o) in out[..n].iter_mut().enumerate() {
            *o = f32::from_bits(self.slots[((r + i as u64) & self.mask) as usize].load(Ordering::Relaxed)) * vol;
        }
        out[n..].fill(0.0);
        if n > 0 {
            self.read.store(r + n as u64, Ordering::Release);
            self.out_gen.store(generation, Ordering::Release);
        }
        n
    }

    // ---- position ----

    /// Recording frame being heard: samples that left the source, less the output latency,
    /// mapped back through the markers.
    pub fn heard_frame(&self) -> Option<f64> {
        let (_, start) = self.discard_word();
        let consumed = self.read.load(Ordering::Acquire);
        let heard = consumed.saturating_sub(self.latency.load(Ordering::Relaxed)).max(start);
        let m = lock(&self.markers);
        let mk = m.iter().rev().find(|mk| mk.idx <= heard).or(m.front())?;
        let frames = (heard as f64 - mk.idx as f64) / self.channels as f64;
        Some(mk.rec + frames * mk.ratio)
    }

    /// True when everything written has been consumed.
    pub fn drained(&self) -> bool {
        let (_, start) = self.discard_word();
        self.read.load(Ordering::Acquire).max(start) >= self.write.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pull_flush_and_position() {
        let p = Pipe::new(1000, 2, 6);
        assert_eq!(p.push(&[1.0; 40], 100.0, 1.0), 40);
        p.playing.store(true, Ordering::Relaxed);
        let mut out = [0f32; 10];
        assert_eq!(p.pull(&mut out), 10);
        assert_eq!(p.heard_frame(), Some(105.0));
        p.flush(1, 500.0, 1.0);
        assert_eq!(p.heard_frame(), Some(500.0));
        assert_eq!(p.buffered(), 0);
        p.push(&[2.0; 8], 500.0, 2.0);
        assert_eq!(p.pull(&mut out), 8);
        assert_eq!(out[0], 2.0);
        assert_eq!(out[9], 0.0);
        assert_eq!(p.out_gen.load(Ordering::Relaxed), 1);
        assert_eq!(p.heard_frame(), Some(508.0));
    }
}
