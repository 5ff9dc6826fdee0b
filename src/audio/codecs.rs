//! What the engine can decode, and what it says about what it cannot: the codec registry
//! (symphonia's codecs plus libopus), container sniffing, codec names, and the messages that
//! name an unsupported codec or container and say how to convert the file.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use symphonia::core::codecs::{self as c, CodecParameters, CodecRegistry, CodecType};

use super::opus::OpusDecoder;

/// symphonia's enabled codecs and the Opus decoder.
pub(crate) fn registry() -> &'static CodecRegistry {
    static REG: OnceLock<CodecRegistry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut r = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut r);
        r.register_all::<OpusDecoder>();
        r
    })
}

/// Frames decoded by every decoder of the process (before any are dropped: a seek's preroll
/// counts), for tests that check a file is decoded once.
static FRAMES_DECODED: AtomicU64 = AtomicU64::new(0);

/// How many frames every decoder of this process has decoded so far.
pub fn frames_decoded() -> u64 {
    FRAMES_DECODED.load(Ordering::Relaxed)
}

/// `frames` just decoded, counted in [`frames_decoded`].
pub(super) fn counted(frames: i64) -> i64 {
    FRAMES_DECODED.fetch_add(frames.max(0) as u64, Ordering::Relaxed);
    frames
}

/// The container, sniffed from the first bytes of the file.
pub(crate) fn sniff_container(head: &[u8]) -> &'static str {
    let at = |o: usize, m: &[u8]| head.get(o..o + m.len()) == Some(m);
    if at(4, b"ftyp") {
        if at(8, b"qt  ") { "MOV" } else { "MP4/M4A" }
    } else if at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") || at(4, b"free") {
        // QuickTime files may start without `ftyp`.
        "MOV"
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        "WAV"
    } else if at(0, b"OggS") {
        "Ogg"
    } else if at(0, b"fLaC") {
        "FLAC"
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        "Matroska/WebM"
    } else if at(0, b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        "MP3"
    } else if at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
        "ASF (WMA/WMV)"
    } else if at(0, b"#!AMR") {
        "AMR"
    } else if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        "AIFF"
    } else if at(0, b"caff") {
        "CAF"
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        "AVI"
    } else if at(0, b"MAC ") {
        "Monkey's Audio"
    } else if at(0, b"wvpk") {
        "WavPack"
    } else {
        "unknown"
    }
}

/// Containers recognised but not demuxed: the message names them.
pub(crate) fn unsupported_container(container: &str) -> bool {
    matches!(container, "ASF (WMA/WMV)" | "AMR" | "AIFF" | "CAF" | "AVI" | "Monkey's Audio" | "WavPack")
}

/// A codec's name: symphonia's for the codecs it knows, else from the codec type.
pub(crate) fn codec_name(params: &CodecParameters) -> String {
    if let Some(d) = registry().get_codec(params.codec) {
        return d.short_name.to_uppercase();
    }
    let t: CodecType = params.codec;
    let name = match t {
        _ if t == c::CODEC_TYPE_OPUS => "Opus",
        _ if t == c::CODEC_TYPE_ALAC => "ALAC",
        _ if t == c::CODEC_TYPE_EAC3 => "E-AC-3",
        _ if t == c::CODEC_TYPE_DCA => "DTS",
        _ if t == c::CODEC_TYPE_WAVPACK => "WavPack",
        _ if t == c::CODEC_TYPE_MONKEYS_AUDIO => "Monkey's Audio",
        _ if t == c::CODEC_TYPE_SPEEX => "Speex",
        _ if t == c::CODEC_TYPE_MP1 => "MP1",
        _ if t == c::CODEC_TYPE_MP2 => "MP2",
        _ if t == c::CODEC_TYPE_WMA => "WMA",
        _ if t == c::CODEC_TYPE_AC4 => "AC-4",
        _ if t == c::CODEC_TYPE_ATRAC3 => "ATRAC3",
        _ if t == c::CODEC_TYPE_MUSEPACK => "Musepack",
        _ if t == c::CODEC_TYPE_TTA => "TTA",
        _ if t == c::CODEC_TYPE_NULL => "unknown",
        _ => return format!("unknown ({t})"),
    };
    name.into()
}

/// How to convert `path` into something that plays: an ffmpeg command line.
pub(crate) fn convert_hint(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "recording".into());
    format!("Convert it to MP3 or M4A, e.g. ffmpeg -i \"{name}\" -vn -c:a libmp3lame -q:a 4 \"{stem}.mp3\"")
}

/// "the audio codec X is not supported. Convert it …".
pub(crate) fn unsupported_codec(path: &Path, codec: &str) -> String {
    format!("the audio codec {codec} is not supported. {}", convert_hint(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_containers() {
        assert_eq!(sniff_container(b"\0\0\0\x20ftypM4A \0\0"), "MP4/M4A");
        assert_eq!(sniff_container(b"\0\0\0\x14ftypqt  \0\0"), "MOV");
        assert_eq!(sniff_container(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]), "Matroska/WebM");
        assert_eq!(sniff_container(b"OggS\0\x02"), "Ogg");
        assert_eq!(sniff_container(b"#!AMR\n"), "AMR");
        assert_eq!(sniff_container(b"hello"), "unknown");
        assert!(unsupported_container("AMR") && !unsupported_container("Ogg"));
    }

    #[test]
    fn opus_is_registered_and_names_are_given() {
        let mut p = CodecParameters::new();
        p.for_codec(c::CODEC_TYPE_OPUS);
        assert!(registry().get_codec(c::CODEC_TYPE_OPUS).is_some());
        assert_eq!(codec_name(&p), "OPUS");
        p.for_codec(c::CODEC_TYPE_EAC3);
        assert_eq!(codec_name(&p), "E-AC-3");
        let m = unsupported_codec(Path::new("/x/talk.mkv"), "AC-3");
        assert!(m.contains("AC-3") && m.contains("ffmpeg -i \"talk.mkv\"") && m.contains("talk.mp3"), "{m}");
    }
}
