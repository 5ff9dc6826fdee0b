//! Opus decoding for symphonia, which has no Opus decoder in 0.5: libopus (the reference decoder,
//! built from the source `opusic-sys` bundles) behind symphonia's `Decoder` trait, so Ogg Opus
//! and WebM/Matroska Opus go through the same demuxing, seeking and trimming as every other
//! format. The multistream API serves every channel mapping (mono, stereo and surround).

use std::ptr::NonNull;

use symphonia::core::audio::{AsAudioBufferRef, AudioBuffer, AudioBufferRef, Channels, Signal, SignalSpec};
use symphonia::core::codecs::{
    CODEC_TYPE_OPUS, CodecDescriptor, CodecParameters, Decoder, DecoderOptions, FinalizeResult,
};
use symphonia::core::errors::{Error, Result};
use symphonia::core::formats::Packet;

/// Opus always decodes at 48 kHz; the longest packet is 120 ms.
const RATE: u32 = 48_000;
const MAX_FRAMES: usize = 5760;

/// What the `OpusHead` (RFC 7845 §5.1) says about the streams.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OpusHead {
    pub channels: u8,
    pub pre_skip: u16,
    /// Output gain in dB.
    pub gain_db: f32,
    pub streams: u8,
    pub coupled: u8,
    pub mapping: Vec<u8>,
}

impl OpusHead {
    /// Parse an `OpusHead`, as stored in Ogg's first packet and in Matroska's CodecPrivate.
    pub fn parse(b: &[u8]) -> Option<OpusHead> {
        if b.len() < 19 || &b[..8] != b"OpusHead" || b[8] >> 4 != 0 {
            return None;
        }
        let channels = b[9];
        let pre_skip = u16::from_le_bytes([b[10], b[11]]);
        let gain_db = i16::from_le_bytes([b[16], b[17]]) as f32 / 256.0;
        let (streams, coupled, mapping) = match b[18] {
            0 if (1..=2).contains(&channels) => (1, channels - 1, (0..channels).collect()),
            0 => return None,
            _ => {
                let n = channels as usize;
                let m = b.get(21..21 + n)?;
                (b[19], b[20], m.to_vec())
            }
        };
        if channels == 0 || streams == 0 || coupled > streams {
            return None;
        }
        Some(OpusHead { channels, pre_skip, gain_db, streams, coupled, mapping })
    }
}

/// Owns a libopus multistream decoder.
struct Handle(NonNull<opusic_sys::OpusMSDecoder>);

// SAFETY: the decoder state is plain memory owned by this handle and only touched through
// `&mut self` (decode) or on drop; libopus keeps no thread-local state.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    fn new(h: &OpusHead) -> Option<Handle> {
        let mut err = 0;
        // SAFETY: `mapping` holds `channels` entries, as libopus reads.
        let p = unsafe {
            opusic_sys::opus_multistream_decoder_create(
                RATE as i32,
                h.channels as i32,
                h.streams as i32,
                h.coupled as i32,
                h.mapping.as_ptr(),
                &mut err,
            )
        };
        if err != opusic_sys::OPUS_OK {
            if let Some(p) = NonNull::new(p) {
                // SAFETY: created above and not used after.
                unsafe { opusic_sys::opus_multistream_decoder_destroy(p.as_ptr()) };
            }
            return None;
        }
        NonNull::new(p).map(Handle)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: created by opus_multistream_decoder_create and destroyed once.
        unsafe { opusic_sys::opus_multistream_decoder_destroy(self.0.as_ptr()) };
    }
}

pub(crate) struct OpusDecoder {
    params: CodecParameters,
    head: OpusHead,
    handle: Handle,
    gain: f32,
    /// Interleaved output of libopus.
    pcm: Vec<f32>,
    buf: AudioBuffer<f32>,
}

fn channel_mask(n: u8) -> Channels {
    // Vorbis channel order (RFC 7845 §5.1.1.2), which libopus outputs.
    use symphonia::core::audio::Channels as C;
    match n {
        1 => C::FRONT_LEFT,
        2 => C::FRONT_LEFT | C::FRONT_RIGHT,
        n => Channels::from_bits_truncate((1u32 << n.min(26)) - 1),
    }
}

impl Decoder for OpusDecoder {
    fn try_new(params: &CodecParameters, _options: &DecoderOptions) -> Result<Self> {
        let extra = params.extra_data.as_deref().unwrap_or(&[]);
        let head = match OpusHead::parse(extra) {
            Some(h) => h,
            // Matroska files without CodecPrivate: take the channel count from the container.
            None if extra.is_empty() => {
                let ch = params.channels.map_or(2, |c| c.count()) as u8;
                if !(1..=2).contains(&ch) {
                    return Err(Error::Unsupported("opus: surround stream without an OpusHead"));
                }
                OpusHead {
                    channels: ch,
                    pre_skip: 0,
                    gain_db: 0.0,
                    streams: 1,
                    coupled: ch - 1,
                    mapping: (0..ch).collect(),
                }
            }
            None => return Err(Error::DecodeError("opus: invalid OpusHead")),
        };
        let handle = Handle::new(&head).ok_or(Error::DecodeError("opus: libopus refused the stream layout"))?;
        let spec = SignalSpec::new(RATE, channel_mask(head.channels));
        let buf = AudioBuffer::new(MAX_FRAMES as u64, spec);
        let gain = 10f32.powf(head.gain_db / 20.0);
        Ok(OpusDecoder {
            params: params.clone(),
            pcm: vec![0.0; MAX_FRAMES * head.channels as usize],
            head,
            handle,
            gain,
            buf,
        })
    }

    fn supported_codecs() -> &'static [CodecDescriptor] {
        const D: &[CodecDescriptor] = &[CodecDescriptor {
            codec: CODEC_TYPE_OPUS,
            short_name: "opus",
            long_name: "Opus (libopus)",
            inst_func: |p, o| Ok(Box::new(OpusDecoder::try_new(p, o)?)),
        }];
        D
    }

    fn reset(&mut self) {
        // A fresh state is the reset (and avoids libopus's variadic ctl call).
        if let Some(h) = Handle::new(&self.head) {
            self.handle = h;
        }
    }

    fn codec_params(&self) -> &CodecParameters {
        &self.params
    }

    fn decode(&mut self, packet: &Packet) -> Result<AudioBufferRef<'_>> {
        self.buf.clear();
        let data = packet.buf();
        let ch = self.head.channels as usize;
        // SAFETY: `pcm` holds MAX_FRAMES frames of `ch` samples, the size passed.
        let n = unsafe {
            opusic_sys::opus_multistream_decode_float(
                self.handle.0.as_ptr(),
                data.as_ptr(),
                data.len() as i32,
                self.pcm.as_mut_ptr(),
                MAX_FRAMES as i32,
                0,
            )
        };
        if n < 0 {
            return Err(Error::DecodeError("opus: corrupt packet"));
        }
        let n = n as usize;
        self.buf.render_reserved(Some(n));
        for c in 0..ch {
            let plane = self.buf.chan_mut(c);
            for (i, s) in plane.iter_mut().enumerate() {
                *s = self.pcm[i * ch + c] * self.gain;
            }
        }
        self.buf.trim(packet.trim_start() as usize, packet.trim_end() as usize);
        Ok(self.buf.as_audio_buffer_ref())
    }

    fn finalize(&mut self) -> FinalizeResult {
        FinalizeResult::default()
    }

    fn last_decoded(&self) -> AudioBufferRef<'_> {
        self.buf.as_audio_buffer_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_opus_heads() {
        let mut h = b"OpusHead".to_vec();
        h.extend_from_slice(&[1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0x00, 0x01, 0]);
        let head = OpusHead::parse(&h).unwrap();
        assert_eq!((head.channels, head.pre_skip, head.streams, head.coupled), (2, 312, 1, 1));
        assert_eq!(head.gain_db, 1.0);
        assert_eq!(head.mapping, [0, 1]);
        // Family 1 (5.1): the stream counts and mapping follow.
        let mut s = b"OpusHead".to_vec();
        s.extend_from_slice(&[1, 6, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 1, 4, 2, 0, 4, 1, 2, 3, 5]);
        let head = OpusHead::parse(&s).unwrap();
        assert_eq!((head.channels, head.streams, head.coupled, head.mapping.len()), (6, 4, 2, 6));
        assert!(OpusHead::parse(b"OpusHead").is_none());
        assert!(OpusHead::parse(&s[..22]).is_none());
    }
}
