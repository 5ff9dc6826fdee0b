//! Measurements behind `turnfix probe`: what the engine sees in a file, how long it takes to
//! open, and how long a seek takes from the command to the first sample leaving the source —
//! through the same [`Player`] the editor uses.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{AudioError, LoadStatus, Player, SourceTap};

#[derive(Clone, Debug, Serialize)]
pub struct SeekTime {
    /// Percentage of the duration sought to.
    pub percent: u32,
    pub target_ms: u64,
    /// From the seek command to the first sample at the new point leaving the source.
    pub seek_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProbeReport {
    pub file: String,
    pub container: String,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub duration_ms: u64,
    /// From the load command to the player being ready.
    pub open_ms: f64,
    pub seeks: Vec<SeekTime>,
    /// With `--memory`: the waveform and the process's peak memory once it is built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MemoryReport {
    /// From the load command to the waveform peaks being available.
    pub peaks_ms: f64,
    /// Whether the peaks came from the disk cache (else they were computed).
    pub peaks_cached: bool,
    /// Peak resident set size of the process (VmHWM), in MiB; None where /proc is missing.
    pub peak_rss_mib: Option<f64>,
    /// Resident set size at the end (VmRSS), in MiB.
    pub rss_mib: Option<f64>,
}

/// A `kB` field of /proc/self/status, in MiB.
fn proc_status_mib(field: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

/// Wait for the player to finish loading; the time it took.
pub fn wait_ready(player: &Player, timeout: Duration) -> Result<Duration, AudioError> {
    let t0 = Instant::now();
    loop {
        match player.state().status {
            LoadStatus::Ready => return Ok(t0.elapsed()),
            LoadStatus::Failed(m) => return Err(AudioError::Open(m)),
            _ => {}
        }
        if t0.elapsed() > timeout {
            return Err(AudioError::Timeout("loading".into()));
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Seek a playing tapped player to `ms` and pull until the first sample of the new point leaves
/// the source. Returns the elapsed time and that first chunk of samples.
pub fn timed_seek(player: &Player, tap: &mut SourceTap, ms: u64) -> Result<(Duration, Vec<f32>), AudioError> {
    // One frame at a time: the first sample is timed, and nothing after it is consumed.
    let mut buf = vec![0f32; tap.format().map_or(1, |f| f.1 as usize)];
    let t0 = Instant::now();
    let g = player.seek_gen(ms);
    loop {
        let n = tap.pull(&mut buf);
        if n > 0 && tap.generation() >= g {
            buf.truncate(n);
            return Ok((t0.elapsed(), buf));
        }
        if t0.elapsed() > Duration::from_secs(10) {
            return Err(AudioError::Timeout(format!("seek to {ms} ms")));
        }
        std::hint::spin_loop();
    }
}

/// Open `path` in a player with a tapped output and measure it.
pub fn probe(path: &Path) -> Result<ProbeReport, AudioError> {
    probe_with(path, false)
}

/// [`probe`], and with `memory`, also wait for the waveform peaks and report the process's peak
/// memory (meaningful in a fresh process: `turnfix probe --memory`).
pub fn probe_with(path: &Path, memory: bool) -> Result<ProbeReport, AudioError> {
    let cached = memory && super::peaks::load_cached(path).is_some();
    let t_load = Instant::now();
    let (player, mut tap) = Player::new_tapped(Arc::new(|| {}));
    player.load(path.to_path_buf());
    let open = wait_ready(&player, Duration::from_secs(60))?;
    let memory = if memory {
        loop {
            if player.peaks().0.is_some() {
                break;
            }
            if t_load.elapsed() > Duration::from_secs(600) {
                return Err(AudioError::Timeout("waveform peaks".into()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Some(MemoryReport {
            peaks_ms: t_load.elapsed().as_secs_f64() * 1000.0,
            peaks_cached: cached,
            peak_rss_mib: None,
            rss_mib: None,
        })
    } else {
        None
    };
    let info = player.info().ok_or_else(|| AudioError::Open(format!("{}: not loaded", path.display())))?;
    let duration_ms = info.duration_ms().unwrap_or(0);
    player.play();
    let mut seeks = Vec::new();
    for pct in [10u32, 50, 90] {
        // Arrive from another point of the file.
        let from = duration_ms * ((pct as u64 + 37) % 100) / 100;
        timed_seek(&player, &mut tap, from)?;
        let target_ms = duration_ms * pct as u64 / 100;
        let (t, _) = timed_seek(&player, &mut tap, target_ms)?;
        seeks.push(SeekTime { percent: pct, target_ms, seek_ms: t.as_secs_f64() * 1000.0 });
    }
    player.pause();
    let memory = memory.map(|m| MemoryReport {
        peak_rss_mib: proc_status_mib("VmHWM:"),
        rss_mib: proc_status_mib("VmRSS:"),
        ..m
    });
    Ok(ProbeReport {
        file: path.display().to_string(),
        container: info.container,
        codec: info.codec,
        sample_rate: info.sample_rate,
        channels: info.channels,
        duration_ms,
        open_ms: open.as_secs_f64() * 1000.0,
        seeks,
        memory,
    })
}
