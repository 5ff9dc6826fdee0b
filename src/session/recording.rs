//! Finding the recording that belongs to a transcript: the audio and video files beside it.
//!
//! Real names rarely match: otter's `<title>_otter_ai.txt` sits beside Zoom's
//! `GMT20251230-200427_Recording.m4a` or `zoom_0.mp4`. So when exactly one audio or video file
//! is beside the transcript, that one is the recording, whatever its name. When several are,
//! they are ranked by how well the name and (where known) the duration fit, and the UI asks.

use std::path::{Path, PathBuf};

/// One possible recording, with how well it fits the transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub path: PathBuf,
    /// How alike the file's name and the transcript's are, 0 (nothing in common) to 1 (the same
    /// stem, otter's `_otter_ai` suffix aside).
    pub name_score: f64,
    /// The recording's length, when it could be read cheaply.
    pub duration_ms: Option<u64>,
    /// How well that length fits the transcript's last time, 0 to 1; None when either is unknown.
    pub duration_fit: Option<f64>,
    /// What the ranking sorts on (higher is better).
    pub score: f64,
}

/// What was found beside a transcript.
#[derive(Clone, Debug, PartialEq)]
pub enum Discovery {
    /// No audio or video file is there.
    Nothing,
    /// Exactly one: open it (and say which file was chosen).
    One(PathBuf),
    /// Several: ask the user, proposing the first (they are ranked best first).
    Several(Vec<Candidate>),
}

impl Discovery {
    /// The file to open without asking: the only one, or none.
    pub fn only(&self) -> Option<&Path> {
        match self {
            Discovery::One(p) => Some(p),
            _ => None,
        }
    }
}

/// Whether `path` has an audio or video extension that can be the recording.
pub fn is_recording_file(path: &Path) -> bool {
    crate::audio::extensions::is_audio_path(path)
}

/// The audio and video files in the transcript's folder (hidden files aside), sorted by name.
pub fn recordings_beside(transcript: &Path) -> Vec<PathBuf> {
    let dir = match transcript.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
            !hidden && is_recording_file(p) && p.is_file()
        })
        .collect();
    out.sort();
    out
}

/// Look beside `transcript` for its recording. `transcript_ms` is the transcript's last time
/// (when it has times); `duration_of` reads a candidate's length (called only when there are
/// several, e.g. with `audio::decode::quick_duration_ms`).
pub fn discover(
    transcript: &Path,
    transcript_ms: Option<u64>,
    mut duration_of: impl FnMut(&Path) -> Option<u64>,
) -> Discovery {
    let mut files = recordings_beside(transcript);
    match files.len() {
        0 => Discovery::Nothing,
        1 => Discovery::One(files.remove(0)),
        _ => {
            let stem = name_key(transcript);
            let mut ranked: Vec<Candidate> = files
                .into_iter()
                .map(|path| {
                    let name_score = similarity(&stem, &name_key(&path));
                    let duration_ms = duration_of(&path);
                    let duration_fit = match (transcript_ms, duration_ms) {
                        (Some(t), Some(d)) if t > 0 => Some(duration_fit(t, d)),
                        _ => None,
                    };
                    let score = match duration_fit {
                        Some(f) => 0.6 * name_score + 0.4 * f,
                        None => name_score,
                    };
                    Candidate { path, name_score, duration_ms, duration_fit, score }
                })
                .collect();
            // Best first; equal scores keep the name order.
            ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
            Discovery::Several(ranked)
        }
    }
}

/// The recording to open without asking (the editor's behaviour before it could ask): the only
/// audio or video file beside the transcript, or among several the one with the same stem.
pub fn find_audio_beside(transcript: &Path) -> Option<PathBuf> {
    match discover(transcript, None, |_| None) {
        Discovery::Nothing => None,
        Discovery::One(p) => Some(p),
        Discovery::Several(c) => c.into_iter().find(|c| c.name_score >= 1.0).map(|c| c.path),
    }
}

/// A file's stem reduced to what names share: lower case, otter's `_otter_ai` suffix dropped,
/// runs of anything but letters and digits made one space.
fn name_key(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    let stem = stem.strip_suffix("_otter_ai").unwrap_or(&stem);
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// 1 for the same key, else the Dice coefficient of the keys' character bigrams (0..1), which
/// rewards shared words whatever their order.
fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> =
            c.windows(2).map(|w| (w[0], w[1])).filter(|&(x, y)| x != ' ' && y != ' ').collect();
        g.sort();
        g
    };
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    // Just under 1: only the same key scores 1.
    (2.0 * common as f64 / (ga.len() + gb.len()) as f64).min(0.99)
}

/// How well a recording of `recording_ms` fits a transcript whose last time is `transcript_ms`:
/// 1 when the recording ends soon after the last turn, falling off as it runs longer, and near 0
/// when it is shorter than the transcript (it cannot be the recording).
fn duration_fit(transcript_ms: u64, recording_ms: u64) -> f64 {
    // The last turn's start can lie a little past the end as otter rounds.
    if recording_ms + 5_000 < transcript_ms {
        return 0.05 * recording_ms as f64 / transcript_ms as f64;
    }
    let over = recording_ms.saturating_sub(transcript_ms) as f64;
    // A last turn can run a few minutes; allow 10 % of the length plus a minute before halving.
    let scale = 0.1 * transcript_ms as f64 + 60_000.0;
    1.0 / (1.0 + over / scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, b"x").unwrap();
        p
    }

    #[test]
    fn the_only_audio_file_is_the_recording_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let t = touch(dir.path(), "transcript.txt");
        assert_eq!(discover(&t, None, |_| None), Discovery::Nothing);
        assert_eq!(find_audio_beside(&t), None);
        touch(dir.path(), "notes.docx");
        let a = touch(dir.path(), "recording.mp3");
        assert_eq!(discover(&t, None, |_| None), Discovery::One(a.clone()));
        assert_eq!(find_audio_beside(&t), Some(a));
    }

    #[test]
    fn otter_transcript_finds_zoom_m4a() {
        let dir = tempfile::tempdir().unwrap();
        let t = touch(dir.path(), "Weekly sync_otter_ai.txt");
        touch(dir.path(), "Weekly sync_otter_ai.docx");
        let a = touch(dir.path(), "GMT20251230-200427_Recording.m4a");
        assert_eq!(discover(&t, Some(60_000), |_| None).only(), Some(a.as_path()));
    }

    #[test]
    fn zoom_mp4_video_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let t = touch(dir.path(), "Panel_otter_ai.txt");
        let v = touch(dir.path(), "zoom_0.MP4");
        // Hidden files (editor backups, macOS resource forks) are not candidates.
        touch(dir.path(), "._zoom_0.MP4");
        assert_eq!(find_audio_beside(&t), Some(v));
    }

    #[test]
    fn several_candidates_are_ranked_by_name_and_duration() {
        let dir = tempfile::tempdir().unwrap();
        let t = touch(dir.path(), "Budget interview_otter_ai.txt");
        let same = touch(dir.path(), "Budget interview.m4a");
        let alike = touch(dir.path(), "budget-interview-take2.mp3");
        let other = touch(dir.path(), "music.ogg");
        let Discovery::Several(c) = discover(&t, None, |_| None) else { panic!("several expected") };
        let order: Vec<&Path> = c.iter().map(|c| c.path.as_path()).collect();
        assert_eq!(order, [same.as_path(), alike.as_path(), other.as_path()]);
        assert_eq!(c[0].name_score, 1.0);
        assert!(c[1].name_score > 0.5 && c[2].name_score < 0.2, "{c:?}");
        // The old entry point opens the same-stem file without asking.
        assert_eq!(find_audio_beside(&t), Some(same.clone()));

        // Names that say nothing: the duration decides. The transcript ends at 41:00.
        let dir = tempfile::tempdir().unwrap();
        let t = touch(dir.path(), "Board meeting_otter_ai.txt");
        let short = touch(dir.path(), "GMT20251230-200427_Recording.m4a");
        let fits = touch(dir.path(), "GMT20251230-210112_Recording.m4a");
        let long = touch(dir.path(), "GMT20251231-090000_Recording.m4a");
        let dur = |p: &Path| {
            Some(if p == short {
                600_000
            } else if p == fits {
                2_520_000
            } else {
                7_200_000
            })
        };
        let Discovery::Several(c) = discover(&t, Some(2_460_000), dur) else { panic!("several expected") };
        let order: Vec<&Path> = c.iter().map(|c| c.path.as_path()).collect();
        assert_eq!(order, [fits.as_path(), long.as_path(), short.as_path()], "{c:?}");
        assert_eq!(c[0].duration_ms, Some(2_520_000));
        assert!(c[0].duration_fit.unwrap() > 0.8 && c[2].duration_fit.unwrap() < 0.05, "{c:?}");
        // No same-stem file: nothing is opened without asking.
        assert_eq!(find_audio_beside(&t), None);
    }

    #[test]
    fn name_keys_and_similarity() {
        assert_eq!(name_key(Path::new("/x/My Talk_otter_ai.txt")), "my talk");
        assert_eq!(name_key(Path::new("my--talk.mp3")), "my talk");
        assert_eq!(similarity("my talk", "my talk"), 1.0);
        assert!(similarity("talk my", "my talk") > 0.6);
        assert_eq!(similarity("ab", "cd"), 0.0);
        assert!(is_recording_file(Path::new("a.WebM")) && !is_recording_file(Path::new("a.txt")));
    }
}
