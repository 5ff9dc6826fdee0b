//! A simple energy gate: where a window of 16 kHz samples is loud enough to be speech. A
//! stand-in for the VAD's speech spans (tests, and turns given without spans): 20 ms frames,
//! speech where the frame's level is within 35 dB of the window's loud frames (95th percentile)
//! and 8 dB above its quiet ones (10th percentile); gaps < 300 ms are bridged, spans < 100 ms
//! dropped.

const FRAME: usize = 320;

/// Speech spans `(start_ms, end_ms)` of `wav` (16 kHz), relative to its first sample.
pub fn speech_spans(wav: &[f32]) -> Vec<(u64, u64)> {
    let levels: Vec<f32> = wav
        .chunks(FRAME)
        .map(|c| 10.0 * (c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32 + 1e-10).log10())
        .collect();
    if levels.is_empty() {
        return Vec::new();
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let pct = |p: f32| sorted[((sorted.len() - 1) as f32 * p) as usize];
    let threshold = (pct(0.95) - 35.0).max(pct(0.10) + 8.0).max(-70.0);
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for (i, &l) in levels.iter().enumerate() {
        if l < threshold {
            continue;
        }
        let (s, e) = ((i * 20) as u64, ((i + 1) * 20) as u64);
        match spans.last_mut() {
            Some(last) if s <= last.1 + 300 => last.1 = e,
            _ => spans.push((s, e)),
        }
    }
    let end = (wav.len() as u64 * 1000 / 16000).max(1);
    spans.retain(|&(s, e)| e - s >= 100);
    spans.iter_mut().for_each(|sp| sp.1 = sp.1.min(end));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_tone_between_silences() {
        let mut wav = vec![0.0f32; 16000 * 3];
        for (i, x) in wav[16000..32000].iter_mut().enumerate() {
            *x = 0.3 * (i as f32 * 0.2).sin();
        }
        let spans = speech_spans(&wav);
        assert_eq!(spans.len(), 1);
        assert!(spans[0].0.abs_diff(1000) <= 20 && spans[0].1.abs_diff(2000) <= 20, "{spans:?}");
    }
}
