//! The 16 kHz mono stream that the peaks pass hands to listeners (speech activity, voice
//! features): channels averaged, then resampled by averaging the source frames that fall in each
//! 1/16000 s (a box filter: enough anti-aliasing for detectors that look at the speech band,
//! and a few operations a sample). 16 kHz mono input is passed through unchanged.

/// Gets the recording as 16 kHz mono, in order, from the peaks pass.
pub trait Listener: Send {
    /// `samples` are 16 kHz mono samples; `at` is the index of the first in the 16 kHz stream
    /// of the whole recording (contiguous with the previous call).
    fn feed(&mut self, at: u64, samples: &[f32]);
}

/// Listens to nothing (the plain peaks pass).
pub struct NoListener;

impl Listener for NoListener {
    fn feed(&mut self, _: u64, _: &[f32]) {}
}

/// Two listeners fed the same stream.
impl<A: Listener, B: Listener> Listener for (A, B) {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        self.0.feed(at, samples);
        self.1.feed(at, samples);
    }
}

/// Any boxed listener (e.g. one supplied by the app or the voice analysis).
impl Listener for Box<dyn Listener> {
    fn feed(&mut self, at: u64, samples: &[f32]) {
        (**self).feed(at, samples);
    }
}

pub const RATE: u64 = 16_000;

/// Downmix + box resampler in front of a listener.
pub(crate) struct Mono16k<L: Listener> {
    rate: u64,
    ch: usize,
    listener: L,
    /// Next output sample index (16 kHz stream), once started.
    next: Option<u64>,
    /// First source frame of the next output sample's box and the one after it.
    box_start: u64,
    box_end: u64,
    sum: f32,
    count: u32,
    out: Vec<f32>,
}

impl<L: Listener> Mono16k<L> {
    pub fn new(rate: u32, channels: u16, listener: L) -> Mono16k<L> {
        Mono16k {
            rate: rate.max(1) as u64,
            ch: channels.max(1) as usize,
            listener,
            next: None,
            box_start: 0,
            box_end: 0,
            sum: 0.0,
            count: 0,
            out: Vec::new(),
        }
    }

    fn src_frame(&self, n: u64) -> u64 {
        n * self.rate / RATE
    }

    /// Interleaved frames of the recording starting at source frame `start`.
    pub fn push(&mut self, start: u64, interleaved: &[f32]) {
        let ch = self.ch;
        let n = interleaved.len() / ch;
        if n == 0 {
            return;
        }
        let next = match self.next {
            Some(x) => x,
            None => {
                let x = (start * RATE).div_ceil(self.rate);
                self.box_start = self.src_frame(x);
                self.box_end = self.src_frame(x + 1);
                self.next = Some(x);
                x
            }
        };
        self.out.clear();
        if self.rate == RATE {
            if ch == 1 {
                self.out.extend_from_slice(interleaved);
            } else {
                let inv = 1.0 / ch as f32;
                self.out.extend(interleaved.chunks_exact(ch).map(|f| f.iter().sum::<f32>() * inv));
            }
            self.next = Some(next + n as u64);
        } else {
            let inv = 1.0 / ch as f32;
            let mut emitted = 0u64;
            for (k, fr) in interleaved.chunks_exact(ch).enumerate() {
                let f = start + k as u64;
                if f < self.box_start {
                    continue;
                }
                let v = if ch == 1 { fr[0] } else { fr.iter().sum::<f32>() * inv };
                self.sum += v;
                self.count += 1;
                if f + 1 >= self.box_end {
                    self.out.push(self.sum / self.count.max(1) as f32);
                    self.sum = 0.0;
                    self.count = 0;
                    emitted += 1;
                    let m = next + emitted;
                    self.box_start = self.src_frame(m);
                    self.box_end = self.src_frame(m + 1);
                }
            }
            self.next = Some(next + emitted);
        }
        if !self.out.is_empty() {
            self.listener.feed(next, &self.out);
        }
    }

    pub fn finish(self) -> L {
        self.listener
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keep(Vec<(u64, Vec<f32>)>);
    impl Listener for Keep {
        fn feed(&mut self, at: u64, s: &[f32]) {
            self.0.push((at, s.to_vec()));
        }
    }

    #[test]
    fn stereo_48k_is_averaged_to_16k_mono_from_any_start() {
        let mut m = Mono16k::new(48_000, 2, Keep(Vec::new()));
        // Frames 3..9 (L = frame index, R = 0): boxes of 3 frames → 16 kHz samples 1 and 2.
        let x: Vec<f32> = (3..9).flat_map(|f| [f as f32, 0.0]).collect();
        m.push(3, &x);
        let k = m.finish().0;
        assert_eq!(k, vec![(1, vec![2.0, 3.5])]);
        // 44.1 kHz: the stream starting at 80 ms (3528 frames) starts at 16 kHz sample 1280.
        let mut m = Mono16k::new(44_100, 1, Keep(Vec::new()));
        m.push(3528, &vec![0.5; 4410]);
        let k = m.finish().0;
        assert_eq!(k[0].0, 1280);
        assert_eq!(k[0].1.len(), 1600);
        assert!(k[0].1.iter().all(|&v| (v - 0.5).abs() < 1e-6));
    }
}
