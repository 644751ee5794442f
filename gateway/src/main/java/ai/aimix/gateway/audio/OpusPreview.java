package ai.aimix.gateway.audio;

import ai.aimix.dsp.resample.Resampler;
import ai.aimix.dsp.resample.ResamplerStream;
import ai.aimix.schema.codec.Pcm;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A variant's mixed audio as a low-bitrate Ogg Opus file, for listening in a browser: resampled to 48 kHz with the
 * dsp module's resampler (streamed, a block at a time), encoded by concentus (a pure-Java port of libopus) in 20 ms
 * frames, music mode, VBR at {@link #BITRATE} bits per second, and put in Ogg pages ({@link OggOpusWriter}).
 */
public final class OpusPreview {
    /** Bits per second of the preview: transparent enough to judge a mix by, a tenth of 16-bit PCM's size. */
    public static final int BITRATE = 96_000;
    /**
     * The encoder's complexity, 0..10: 5 encodes several times faster than 10 in concentus at a loss the preview's
     * listeners do not hear (docs/BENCHMARKS.md).
     */
    static final int COMPLEXITY = 5;

    static final int FRAME_SAMPLES = OggOpusWriter.GRANULE_RATE / 50;
    /** Input frames read from the store at a time. */
    private static final int BLOCK_FRAMES = 16_384;

    private OpusPreview() {}

    /** Encodes {@code audio}, which must be complete, into {@code target} (written whole, then moved into place). */
    static void encode(VariantAudio audio, Path target) throws IOException {
        StoreFile.write(target, out -> encode(audio, out));
    }

    static void encode(VariantAudio audio, OutputStream out) throws IOException {
        int channels = VariantAudio.CHANNELS;
        OpusEncoder encoder;
        try {
            encoder = new OpusEncoder(OggOpusWriter.GRANULE_RATE, channels, OpusApplication.OPUS_APPLICATION_AUDIO);
            encoder.setBitrate(BITRATE);
            encoder.setComplexity(COMPLEXITY);
            encoder.setUseVBR(true);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
        } catch (OpusException e) {
            throw new IOException("cannot set up the Opus encoder", e);
        }
        int preSkip = encoder.getLookahead();
        OggOpusWriter ogg = new OggOpusWriter(
                out, channels, preSkip, audio.sampleRate(), Long.hashCode(audio.frames()), "aimix (concentus)");
        Frames frames = new Frames(encoder, ogg, channels, preSkip);
        ResamplerStream resampler = new Resampler(audio.sampleRate(), OggOpusWriter.GRANULE_RATE).stream(channels);
        float[] interleaved = new float[BLOCK_FRAMES * channels];
        float[][] planar = new float[channels][BLOCK_FRAMES];
        long total = audio.frames();
        for (long at = 0; at < total; at += BLOCK_FRAMES) {
            int n = (int) Math.min(BLOCK_FRAMES, total - at);
            int got = audio.read(at * channels, interleaved, n * channels);
            if (got < n * channels) {
                throw new IOException("the stored audio ended at frame " + (at + got / channels));
            }
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    planar[c][i] = interleaved[i * channels + c];
                }
            }
            frames.add(resampler.push(planar, n));
        }
        frames.add(resampler.finish());
        frames.finish(resampler.produced());
    }

    /** 48 kHz audio cut into encoder frames, encoded and written as it fills. */
    private static final class Frames {
        private final OpusEncoder encoder;
        private final OggOpusWriter ogg;
        private final int channels;
        private final int preSkip;
        private final short[] frame;
        private final byte[] packet = new byte[4000];
        private int filled;
        /** Granule position at the end of the packets written so far. */
        private long granule;

        Frames(OpusEncoder encoder, OggOpusWriter ogg, int channels, int preSkip) {
            this.encoder = encoder;
            this.ogg = ogg;
            this.channels = channels;
            this.preSkip = preSkip;
            this.frame = new short[FRAME_SAMPLES * channels];
        }

        void add(float[][] planar) throws IOException {
            int n = planar[0].length;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    frame[filled * channels + c] = Pcm.toS16(planar[c][i]);
                }
                if (++filled == FRAME_SAMPLES) {
                    flush();
                }
            }
        }

        /** Pads with silence until the encoder's look-ahead has let out all of the audio, then ends the stream. */
        void finish(long samples) throws IOException {
            long end = preSkip + samples;
            while (granule < end) {
                while (filled < FRAME_SAMPLES) {
                    for (int c = 0; c < channels; c++) {
                        frame[filled * channels + c] = 0;
                    }
                    filled++;
                }
                flush();
            }
            ogg.finish(end);
        }

        private void flush() throws IOException {
            int length;
            try {
                length = encoder.encode(frame, 0, FRAME_SAMPLES, packet, 0, packet.length);
            } catch (OpusException e) {
                throw new IOException("Opus encoding failed", e);
            }
            granule += FRAME_SAMPLES;
            ogg.packet(packet, length, granule);
            filled = 0;
        }
    }
}
