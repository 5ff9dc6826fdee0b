//! The file extensions taken for recordings (audio files, and video containers whose audio
//! track is played), lower case, most common first. The one list: the open dialogs, dropped
//! files and the search for a recording beside a transcript all read it.

/// Recording extensions, lower case, most common first.
pub const AUDIO_EXTENSIONS: &[&str] =
    &["mp3", "m4a", "wav", "ogg", "flac", "aac", "mp4", "oga", "opus", "webm", "mkv", "mka", "mov", "m4b", "m4v"];

/// Whether `path` names a recording by its extension (any case).
pub fn is_audio_path(path: &std::path::Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_lower_case_and_cover_video_containers() {
        assert!(AUDIO_EXTENSIONS.iter().all(|e| *e == e.to_ascii_lowercase()));
        for e in ["webm", "mkv", "mka", "mov", "opus", "oga", "m4b", "mp3"] {
            assert!(AUDIO_EXTENSIONS.contains(&e), "{e}");
        }
        assert!(is_audio_path(std::path::Path::new("a/Rec.MP3")));
        assert!(is_audio_path(std::path::Path::new("zoom_0.mp4")));
        assert!(!is_audio_path(std::path::Path::new("talk.txt")));
    }
}
