package ai.aimix.launcher.quantize;

import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.operators.mel.MelSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A generated song seen the way the mix job sees it: per segment, one model batch with every stem's log-mel as a
 * row (one mix group, the stems' roles), computed with the job's streaming log-mel; and rendered offline with a
 * model's parameters through the job's renderer. Quantization calibrates and evaluates models on these.
 */
public final class ProbeSong {
    public final int sampleRate;
    public final float[][] audio;
    public final int[] channels;
    public final int frames;
    public final List<MixNetBatch> segments;

    private ProbeSong(int sampleRate, float[][] audio, int[] channels, int frames, List<MixNetBatch> segments) {
        this.sampleRate = sampleRate;
        this.audio = audio;
        this.channels = channels;
        this.frames = frames;
        this.segments = segments;
    }

    /** A generated song of {@code stems} stems, cut into segments of {@code segmentFrames} frames. */
    public static ProbeSong generate(
            long seed, int sampleRate, double seconds, int stems, int segmentFrames, MelSettings mel) {
        if (mel.bands != MixNetArchitecture.MEL_BANDS) {
            throw new IllegalArgumentException(
                    "the model takes " + MixNetArchitecture.MEL_BANDS + " mel bands, not " + mel.bands);
        }
        List<StemInput> song = new SongGenerator(seed, sampleRate).generate(seconds, stems);
        float[][] audio = new float[stems][];
        int[] channels = new int[stems];
        int frames = 0;
        for (int i = 0; i < stems; i++) {
            audio[i] = song.get(i).audio.samples();
            channels[i] = song.get(i).audio.channels();
            frames = Math.max(frames, song.get(i).audio.frames());
        }
        StemMel stemMel = new StemMel(sampleRate, mel.nFft, mel.hop, mel.bands);
        float[][][] mels = new float[stems][][];
        int count = (frames + segmentFrames - 1) / segmentFrames;
        float[][][] descriptors = new float[stems][count][StemDescriptors.COUNT];
        for (int i = 0; i < stems; i++) {
            StemDescriptors d = new StemDescriptors(sampleRate, channels[i], stemMel.nFft());
            float[][] own = descriptors[i];
            mels[i] = SegmentMels.of(
                    stemMel,
                    audio[i],
                    channels[i],
                    frames,
                    segmentFrames,
                    MixNetArchitecture.MIN_FRAMES,
                    d.powerTap(),
                    (k, part, n) -> d.segment(part, 0, n, own[k], 0));
        }
        List<MixNetBatch> segments = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            MixNetBatch batch = new MixNetBatch(stems, mels[0][k].length / mel.bands);
            for (int i = 0; i < stems; i++) {
                batch.add(mels[i][k], descriptors[i][k], song.get(i).role.ordinal(), 0);
            }
            segments.add(batch);
        }
        return new ProbeSong(sampleRate, audio, channels, frames, segments);
    }

    /** The model's parameters for every segment: [segment][stem][parameter]. */
    public float[][][] schedule(MixNetSession model) throws Exception {
        float[][][] out = new float[segments.size()][][];
        for (int k = 0; k < segments.size(); k++) {
            float[] p = model.predict(segments.get(k));
            int stems = audio.length;
            out[k] = new float[stems][];
            for (int i = 0; i < stems; i++) {
                out[k][i] = Arrays.copyOfRange(p, i * ModelOutput.COUNT, (i + 1) * ModelOutput.COUNT);
            }
        }
        return out;
    }

    /** The stereo mix with the given schedule, as two channel arrays. */
    public float[][] render(RenderSettings settings, float[][][] schedule) {
        return OfflineRenderer.renderPlanar(settings, audio, channels, frames, schedule);
    }
}
