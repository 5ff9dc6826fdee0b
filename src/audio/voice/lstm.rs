//! The GE2E speaker encoder (Resemblyzer 0.1.4): 3 LSTM layers of 256 over 40 mel bands, the
//! last layer's final hidden state → linear 256 → ReLU → L2 norm. Hand-written, batched: the
//! partials of a batch run together, each layer's input projection is one GEMM over all time
//! steps, and each time step's recurrent projection is one GEMM over the batch
//! (`matrixmultiply::sgemm`). Gate order and biases as PyTorch's `nn.LSTM` (i, f, g, o).

use std::path::Path;

use super::VoiceError;

pub const HIDDEN: usize = 256;
pub const EMBED: usize = 256;
pub const LAYERS: usize = 3;
/// Frames in a partial utterance (1.6 s).
pub const PARTIAL_FRAMES: usize = 160;
const GATES: usize = 4 * HIDDEN;
/// Steps whose input projections are computed together (a fifth of a partial's 160).
const GATE_STEPS: usize = 32;
const MAGIC: &[u8; 8] = b"TFGE2E\0\x01";

/// The weights file written by tools/convert-resemblyzer.py, compiled into the binary.
pub static BUNDLED: &[u8] = include_bytes!("../../../assets/models/ge2e-resemblyzer-0.1.4.f16");

struct Layer {
    input: usize,
    /// `GATES × input`, row-major (PyTorch's `weight_ih`).
    w_ih: Vec<f32>,
    /// `GATES × HIDDEN` (`weight_hh`).
    w_hh: Vec<f32>,
    /// `bias_ih + bias_hh`.
    bias: Vec<f32>,
}

/// The encoder's weights, as f32.
pub struct Encoder {
    layers: Vec<Layer>,
    /// `EMBED × HIDDEN`.
    lin_w: Vec<f32>,
    lin_b: Vec<f32>,
}

/// One tensor of the weights file: its name, shape and values.
pub type Tensor = (String, Vec<usize>, Vec<f32>);

/// The tensors of a weights file (f16 on disk, f32 here). Public for tools/lstm-compare, which
/// runs the same weights through candle.
pub fn parse(bytes: &[u8]) -> Result<Vec<Tensor>, String> {
    let mut p = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = bytes.get(p..p + n).ok_or("the file is truncated")?;
        p += n;
        Ok(s)
    };
    if take(8)? != MAGIC {
        return Err("not a Turnfix GE2E weights file (bad magic)".into());
    }
    let count = u32::from_le_bytes(take(4)?.try_into().unwrap_or_default()) as usize;
    let mut out = Vec::new();
    for _ in 0..count.min(64) {
        let nl = u16::from_le_bytes(take(2)?.try_into().unwrap_or_default()) as usize;
        let name = String::from_utf8_lossy(take(nl)?).into_owned();
        let nd = take(1)?[0] as usize;
        let mut dims = Vec::new();
        for _ in 0..nd {
            dims.push(u32::from_le_bytes(take(4)?.try_into().unwrap_or_default()) as usize);
        }
        let n: usize = dims.iter().product();
        let data = take(n.checked_mul(2).ok_or("bad tensor size")?)?;
        let vals = data.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect();
        out.push((name, dims, vals));
    }
    Ok(out)
}

impl Encoder {
    /// The weights bundled in the binary.
    pub fn bundled() -> Result<Encoder, VoiceError> {
        Self::from_bytes(BUNDLED).map_err(|e| VoiceError::Model(format!("bundled GE2E weights: {e}")))
    }

    pub fn load(path: &Path) -> Result<Encoder, VoiceError> {
        let bytes = std::fs::read(path).map_err(|e| VoiceError::Model(format!("{}: {e}", path.display())))?;
        Self::from_bytes(&bytes).map_err(|e| VoiceError::Model(format!("{}: {e}", path.display())))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Encoder, String> {
        let mut tensors = parse(bytes)?;
        let mut get = |name: &str, shape: &[usize]| -> Result<Vec<f32>, String> {
            let i = tensors.iter().position(|t| t.0 == name).ok_or(format!("tensor {name} is missing"))?;
            let (_, dims, v) = tensors.swap_remove(i);
            if dims != shape {
                return Err(format!("tensor {name} has shape {dims:?}, expected {shape:?}"));
            }
            Ok(v)
        };
        let mut layers = Vec::new();
        for l in 0..LAYERS {
            let input = if l == 0 { super::mel::N_MELS } else { HIDDEN };
            let w_ih = get(&format!("lstm.weight_ih_l{l}"), &[GATES, input])?;
            let w_hh = get(&format!("lstm.weight_hh_l{l}"), &[GATES, HIDDEN])?;
            let b_ih = get(&format!("lstm.bias_ih_l{l}"), &[GATES])?;
            let b_hh = get(&format!("lstm.bias_hh_l{l}"), &[GATES])?;
            let bias = b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect();
            layers.push(Layer { input, w_ih, w_hh, bias });
        }
        let lin_w = get("linear.weight", &[EMBED, HIDDEN])?;
        let lin_b = get("linear.bias", &[EMBED])?;
        Ok(Encoder { layers, lin_w, lin_b })
    }

    /// Embeds `b` partials of `t` frames each; `mels` holds them partial-major
    /// (`b × t × N_MELS`). Returns `b × EMBED` L2-normalised embeddings.
    pub fn embed_partials(&self, mels: &[f32], b: usize, t: usize) -> Vec<f32> {
        let mut scratch = Scratch::default();
        self.embed_partials_with(mels, b, t, &mut scratch)
    }

    /// As [`Encoder::embed_partials`], reusing the buffers in `s`.
    pub fn embed_partials_with(&self, mels: &[f32], b: usize, t: usize, s: &mut Scratch) -> Vec<f32> {
        let n_mels = super::mel::N_MELS;
        assert_eq!(mels.len(), b * t * n_mels, "mels must be b × t × 40");
        // Time-major sequence: row (step * b + partial).
        s.seq.clear();
        s.seq.resize(t * b * n_mels, 0.0);
        for p in 0..b {
            for step in 0..t {
                let src = &mels[(p * t + step) * n_mels..][..n_mels];
                s.seq[(step * b + p) * n_mels..][..n_mels].copy_from_slice(src);
            }
        }
        // Chunk by chunk of GATE_STEPS steps, every layer over the chunk before the next chunk:
        // only a chunk of each layer's outputs is held (0.25 MB at batch 8), not the sequence.
        let nl = self.layers.len();
        s.h.clear();
        s.h.resize(nl * b * HIDDEN, 0.0);
        s.c.clear();
        s.c.resize(nl * b * HIDDEN, 0.0);
        for c0 in (0..t).step_by(GATE_STEPS) {
            let rows = GATE_STEPS.min(t - c0) * b;
            for (li, layer) in self.layers.iter().enumerate() {
                let last = li + 1 == nl;
                // Input projections of the chunk at once: G = X · W_ihᵀ + bias.
                s.gates.clear();
                s.gates.resize(rows * GATES, 0.0);
                for row in s.gates.chunks_exact_mut(GATES) {
                    row.copy_from_slice(&layer.bias);
                }
                let x = if li == 0 {
                    &s.seq[c0 * b * layer.input..][..rows * layer.input]
                } else {
                    &s.chunk[..rows * HIDDEN]
                };
                sgemm(
                    rows,
                    layer.input,
                    GATES,
                    x,
                    layer.input,
                    1,
                    &layer.w_ih,
                    1,
                    layer.input,
                    &mut s.gates,
                    GATES,
                    1.0,
                );
                let h = &mut s.h[li * b * HIDDEN..][..b * HIDDEN];
                let c = &mut s.c[li * b * HIDDEN..][..b * HIDDEN];
                if !last {
                    s.out.clear();
                    s.out.resize(rows * HIDDEN, 0.0);
                }
                for k in 0..rows / b {
                    let g = &mut s.gates[k * b * GATES..][..b * GATES];
                    if c0 + k > 0 {
                        sgemm(b, HIDDEN, GATES, h, HIDDEN, 1, &layer.w_hh, 1, HIDDEN, g, GATES, 1.0);
                    }
                    for p in 0..b {
                        let gp = &g[p * GATES..][..GATES];
                        let (hp, cp) = (&mut h[p * HIDDEN..][..HIDDEN], &mut c[p * HIDDEN..][..HIDDEN]);
                        for j in 0..HIDDEN {
                            let i = sigmoid(gp[j]);
                            let f = sigmoid(gp[HIDDEN + j]);
                            let gg = gp[2 * HIDDEN + j].tanh();
                            let o = sigmoid(gp[3 * HIDDEN + j]);
                            cp[j] = f * cp[j] + i * gg;
                            hp[j] = o * cp[j].tanh();
                        }
                    }
                    if !last {
                        s.out[k * b * HIDDEN..][..b * HIDDEN].copy_from_slice(h);
                    }
                }
                if !last {
                    std::mem::swap(&mut s.chunk, &mut s.out);
                }
            }
        }
        let h = &s.h[(nl - 1) * b * HIDDEN..][..b * HIDDEN];
        // Linear + ReLU + L2 norm on the final hidden state of the last layer.
        let mut out = vec![0.0f32; b * EMBED];
        for row in out.chunks_exact_mut(EMBED) {
            row.copy_from_slice(&self.lin_b);
        }
        sgemm(b, HIDDEN, EMBED, h, HIDDEN, 1, &self.lin_w, 1, HIDDEN, &mut out, EMBED, 1.0);
        for row in out.chunks_exact_mut(EMBED) {
            row.iter_mut().for_each(|v| *v = v.max(0.0));
            normalize(row);
        }
        out
    }
}

/// Buffers reused between batches.
#[derive(Default)]
pub struct Scratch {
    /// The mel input, time-major.
    seq: Vec<f32>,
    /// The previous layer's outputs over the chunk, and this layer's being written.
    chunk: Vec<f32>,
    out: Vec<f32>,
    gates: Vec<f32>,
    /// Each layer's hidden and cell state.
    h: Vec<f32>,
    c: Vec<f32>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Scales `v` to unit length (left as is when it is all zeros).
pub fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// C (m × n, row stride `ldc`) = A (m × k) · B (k × n) + beta · C, with explicit strides.
#[allow(clippy::too_many_arguments)]
fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    rsa: usize,
    csa: usize,
    b: &[f32],
    rsb: usize,
    csb: usize,
    c: &mut [f32],
    ldc: usize,
    beta: f32,
) {
    assert!(a.len() > (m - 1) * rsa + (k - 1) * csa);
    assert!(b.len() > (k - 1) * rsb + (n - 1) * csb);
    assert!(c.len() >= (m - 1) * ldc + n);
    // SAFETY: the asserts above keep every index the kernel touches inside the slices.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            beta,
            c.as_mut_ptr(),
            ldc as isize,
            1,
        );
    }
}
