package ai.aimix.operators.testing;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.internal.InboundRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Requests, stems and chunk streams for operator and job tests. */
public final class Fixtures {
    private Fixtures() {}

    public static MixRequest request(String mixId, int sampleRate, int[] channels, ModelSelection model) {
        List<StemSpec> stems = new ArrayList<>();
        StemRole[] roles = StemRole.values();
        for (int i = 0; i < channels.length; i++) {
            stems.add(new StemSpec(i, "stem-" + i, roles[i % roles.length], channels[i]));
        }
        return MixRequest.newBuilder()
                .setMixId(mixId)
                .setRequestedAtMillis(0L)
                .setSampleRate(sampleRate)
                .setStems(stems)
                .setModel(model)
                .setUploadToken(token(mixId))
                .build();
    }

    /** The upload token the fixtures' requests and chunks of a mix carry (a real producer draws a random one). */
    public static String token(String mixId) {
        return "upload-token-of-" + mixId;
    }

    public static MixRequest request(String mixId, int sampleRate, int... channels) {
        return request(mixId, sampleRate, channels, champion());
    }

    public static ModelSelection champion() {
        return ModelSelections.champion();
    }

    public static ModelSelection battle(String a, String b) {
        return ModelSelections.battle(a, b);
    }

    /** A stem of music-like test audio: a few partials with a per-stem pitch and level, and some noise. */
    public static float[] stemAudio(int frames, int channels, int sampleRate, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double f0 = 55 * Math.pow(2, r.nextInt(36) / 12.0);
        double level = 0.1 + 0.2 * r.nextDouble();
        float[] x = new float[frames * channels];
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            double env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t + seed);
            double v = level
                            * env
                            * (Math.sin(2 * Math.PI * f0 * t)
                                    + 0.5 * Math.sin(2 * Math.PI * 2 * f0 * t)
                                    + 0.25 * Math.sin(2 * Math.PI * 3 * f0 * t))
                    + 0.01 * (2 * r.nextDouble() - 1);
            for (int c = 0; c < channels; c++) {
                x[i * channels + c] = (float) (v * (c == 0 ? 1.0 : 0.8));
            }
        }
        return x;
    }

    public static AudioChunk chunk(
            String mixId,
            int stem,
            long seq,
            int sampleRate,
            int channels,
            SampleEncoding enc,
            float[] samples,
            int fromFrame,
            int frames,
            boolean last) {
        ByteBuffer data = Pcm.encode(samples, fromFrame * channels, frames * channels, enc);
        return new AudioChunk(
                mixId, stem, seq, sampleRate, channels, enc, data, last, Checksums.crc32c(data), token(mixId));
    }

    /** All chunks of a stem, {@code chunkFrames} frames each, the last flagged. */
    public static List<AudioChunk> chunks(
            String mixId,
            int stem,
            int sampleRate,
            int channels,
            SampleEncoding enc,
            float[] samples,
            int chunkFrames) {
        int frames = samples.length / channels;
        List<AudioChunk> out = new ArrayList<>();
        long seq = 0;
        for (int off = 0; off < frames || seq == 0; off += chunkFrames) {
            int n = Math.min(chunkFrames, frames - off);
            out.add(chunk(mixId, stem, seq++, sampleRate, channels, enc, samples, off, n, off + n >= frames));
        }
        return out;
    }

    /** Chunks of several stems interleaved in time order, as a well-behaved producer sends them. */
    public static List<AudioChunk> interleaved(List<List<AudioChunk>> perStem) {
        List<AudioChunk> out = new ArrayList<>();
        int max = 0;
        for (List<AudioChunk> l : perStem) {
            max = Math.max(max, l.size());
        }
        for (int i = 0; i < max; i++) {
            for (List<AudioChunk> l : perStem) {
                if (i < l.size()) {
                    out.add(l.get(i));
                }
            }
        }
        return out;
    }

    private static long offset;

    public static InboundRecord inbound(MixRequest request) {
        return InboundRecord.newBuilder()
                .setTopic("mix.requests")
                .setPartition(0)
                .setOffset(offset++)
                .setKey(request.getMixId())
                .setRequest(request)
                .build();
    }

    public static InboundRecord inbound(AudioChunk chunk) {
        return InboundRecord.newBuilder()
                .setTopic("audio.chunks")
                .setPartition(0)
                .setOffset(offset++)
                .setKey(chunk.getMixId())
                .setChunk(chunk)
                .build();
    }
}
