package ai.aimix.gateway;

import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.StageTimings;
import java.util.List;

/** Results for tests: a completed mix's {@link MixResult}, no variants and zero timings, to fill in further. */
public final class Results {
    private Results() {}

    public static MixResult.Builder completed(int sampleRate, long frames, int segments, int segmentFrames) {
        return MixResult.newBuilder()
                .setMixId("m")
                .setStatus(MixStatus.COMPLETED)
                .setSampleRate(sampleRate)
                .setFrames(frames)
                .setSegments(segments)
                .setSegmentFrames(segmentFrames)
                .setVariants(List.of())
                .setTimings(StageTimings.newBuilder()
                        .setAlignMillis(0)
                        .setMelMillis(0)
                        .setInferenceMillis(0)
                        .setAssemblyMillis(0)
                        .setWallMillis(0)
                        .setBatchSegments(List.of())
                        .build())
                .setCompletedAtMillis(1);
    }
}
