//! Runs the bundled GE2E weights through Turnfix's hand-written LSTM and through candle's
//! (`candle_nn::rnn::LSTM`, three layers, then linear + ReLU + L2 norm as the encoder does), on
//! the same random 1.6 s partials, at several batch sizes. Prints the time per partial of each
//! (median of 5 runs) and the worst cosine between their embeddings.
//!
//! `cargo run --release` from this folder (see README.md).

use std::collections::HashMap;
use std::time::Instant;

use candle_core::{DType, Device, IndexOp, Module, Tensor};
use candle_nn::rnn::{LSTMConfig, LSTMState, RNN};
use turnfix::audio::voice::lstm::{self, BUNDLED, Encoder, HIDDEN, PARTIAL_FRAMES};
use turnfix::audio::voice::mel::N_MELS;

struct Candle {
    layers: Vec<candle_nn::rnn::LSTM>,
    linear: candle_nn::Linear,
}

impl Candle {
    fn new(dev: &Device) -> candle_core::Result<Candle> {
        let tensors = lstm::parse(BUNDLED).expect("bundled weights");
        let map: HashMap<String, Tensor> = tensors
            .into_iter()
            .map(|(name, dims, vals)| Ok((name, Tensor::from_vec(vals, dims, dev)?)))
            .collect::<candle_core::Result<_>>()?;
        let vb = candle_nn::VarBuilder::from_tensors(map, DType::F32, dev);
        let mut layers = Vec::new();
        for l in 0..lstm::LAYERS {
            let input = if l == 0 { N_MELS } else { HIDDEN };
            let cfg = LSTMConfig { layer_idx: l, ..Default::default() };
            layers.push(candle_nn::rnn::lstm(input, HIDDEN, cfg, vb.pp("lstm"))?);
        }
        let linear = candle_nn::linear(HIDDEN, lstm::EMBED, vb.pp("linear"))?;
        Ok(Candle { layers, linear })
    }

    /// `mels`: b × t × 40, partial-major, as `Encoder::embed_partials` takes it.
    fn embed(&self, mels: &[f32], b: usize, t: usize, dev: &Device) -> candle_core::Result<Vec<f32>> {
        let mut x = Tensor::from_slice(mels, (b, t, N_MELS), dev)?;
        let mut last: Option<LSTMState> = None;
        for layer in &self.layers {
            let states = layer.seq(&x)?;
            x = layer.states_to_tensor(&states)?;
            last = states.last().cloned();
        }
        let h = last.expect("three layers").h;
        let e = self.linear.forward(&h)?.relu()?;
        let norm = e.sqr()?.sum_keepdim(1)?.sqrt()?;
        let e = e.broadcast_div(&norm)?;
        let mut out = Vec::with_capacity(b * lstm::EMBED);
        for p in 0..b {
            out.extend(e.i(p)?.to_vec1::<f32>()?);
        }
        Ok(out)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let hand = Encoder::from_bytes(BUNDLED).expect("bundled weights");
    let candle = Candle::new(&dev)?;
    // Deterministic log-mel-like input (an LCG, values in 0..1).
    let max_b = 32;
    let mut seed = 0x2545_F491_u64;
    let mels: Vec<f32> = (0..max_b * PARTIAL_FRAMES * N_MELS)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect();
    println!("batch  hand ms/partial  candle ms/partial  candle/hand  worst cosine");
    for b in [1usize, 4, 8, 16, 32] {
        let m = &mels[..b * PARTIAL_FRAMES * N_MELS];
        let (mut th, mut tc) = (Vec::new(), Vec::new());
        let (mut eh, mut ec) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let t0 = Instant::now();
            eh = hand.embed_partials(m, b, PARTIAL_FRAMES);
            th.push(t0.elapsed().as_secs_f64());
            let t0 = Instant::now();
            ec = candle.embed(m, b, PARTIAL_FRAMES, &dev)?;
            tc.push(t0.elapsed().as_secs_f64());
        }
        let worst = eh
            .chunks_exact(lstm::EMBED)
            .zip(ec.chunks_exact(lstm::EMBED))
            .map(|(a, c)| a.iter().zip(c).map(|(x, y)| x * y).sum::<f32>())
            .fold(f32::INFINITY, f32::min);
        let (h, c) = (median(th) * 1e3 / b as f64, median(tc) * 1e3 / b as f64);
        println!("{b:>5}  {h:>15.2}  {c:>17.2}  {:>11.2}  {worst:.6}", c / h);
    }
    Ok(())
}
