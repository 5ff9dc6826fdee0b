//! `turnfix probe AUDIO [--json]`: what the audio engine sees in a recording, and how fast it
//! opens and seeks (measured through the same player the editor uses).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct ProbeArgs {
    /// Recording to examine.
    pub audio: PathBuf,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Also build the waveform peaks and report the process's peak memory (VmHWM). For the
    /// worst case, point XDG_CACHE_HOME at an empty directory so the peaks are computed.
    #[arg(long)]
    pub memory: bool,
}

fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}:{:02}.{:03}", s / 3600, s / 60 % 60, s % 60, ms % 1000)
}

pub fn run(a: ProbeArgs) -> anyhow::Result<ExitCode> {
    // The engine's message already names the file and the problem.
    let r = turnfix::audio::probe::probe_with(&a.audio, a.memory).map_err(|e| anyhow::anyhow!("{e}"))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r).context("writing JSON")?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("file:        {}", r.file);
    println!("container:   {}", r.container);
    println!("codec:       {}", r.codec);
    println!("sample rate: {} Hz", r.sample_rate);
    println!("channels:    {}", r.channels);
    println!("duration:    {} ({} ms)", clock(r.duration_ms), r.duration_ms);
    println!("open:        {:.1} ms", r.open_ms);
    for s in &r.seeks {
        println!("seek {:>2}%:    {:.2} ms (to {})", s.percent, s.seek_ms, clock(s.target_ms));
    }
    if let Some(m) = &r.memory {
        println!(
            "waveform:    {:.0} ms after load ({})",
            m.peaks_ms,
            if m.peaks_cached { "from the cache" } else { "computed" }
        );
        let mib = |v: Option<f64>| v.map_or("unknown".to_string(), |v| format!("{v:.1} MiB"));
        println!("peak memory: {} (now {})", mib(m.peak_rss_mib), mib(m.rss_mib));
    }
    Ok(ExitCode::SUCCESS)
}
