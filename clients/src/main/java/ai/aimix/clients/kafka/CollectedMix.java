package ai.aimix.clients.kafka;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Everything the job wrote about one mix, as a consumer saw it. */
public final class CollectedMix {
    public final String mixId;
    public final Map<Variant, List<MixOutputChunk>> chunks = new EnumMap<>(Variant.class);
    public final List<MixProgress> progress = new ArrayList<>();
    public final List<MixError> errors = new ArrayList<>();
    public MixResult result;
    public long firstOutputAtMillis;
    public long lastOutputAtMillis;

    CollectedMix(String mixId) {
        this.mixId = mixId;
    }

    /** Problems with the output stream of a variant: gaps, duplicates, disorder, bad checksums, missing end. */
    public List<String> streamProblems(Variant variant) {
        List<String> problems = new ArrayList<>();
        List<MixOutputChunk> list = chunks.getOrDefault(variant, List.of());
        long expectedSeq = 0;
        long expectedFrame = 0;
        for (MixOutputChunk c : list) {
            if (c.getSequence() != expectedSeq) {
                problems.add("sequence " + c.getSequence() + " where " + expectedSeq + " was due");
            }
            if (c.getStartFrame() != expectedFrame) {
                problems.add("chunk " + c.getSequence() + " starts at frame " + c.getStartFrame() + ", expected "
                        + expectedFrame);
            }
            if (Checksums.crc32c(c.getData()) != c.getChecksum()) {
                problems.add("chunk " + c.getSequence() + " fails its checksum");
            }
            expectedSeq = c.getSequence() + 1;
            expectedFrame = c.getStartFrame() + c.getData().remaining() / (2L * Pcm.bytesPerSample(c.getEncoding()));
        }
        if (list.isEmpty() || !list.get(list.size() - 1).getLast()) {
            problems.add("no chunk flagged last");
        }
        return problems;
    }

    /** The variant's mixed audio, interleaved stereo, decoded from the chunks in sequence order. */
    public float[] audio(Variant variant) {
        List<MixOutputChunk> list = new ArrayList<>(chunks.getOrDefault(variant, List.of()));
        list.sort(java.util.Comparator.comparingLong(MixOutputChunk::getSequence));
        int total = 0;
        for (MixOutputChunk c : list) {
            total += c.getData().remaining() / Pcm.bytesPerSample(c.getEncoding());
        }
        float[] out = new float[total];
        int pos = 0;
        for (MixOutputChunk c : list) {
            SampleEncoding enc = c.getEncoding();
            int n = c.getData().remaining() / Pcm.bytesPerSample(enc);
            Pcm.decode(c.getData(), enc, 0, out, pos, n);
            pos += n;
        }
        return out;
    }

    /**
     * The result has arrived and, for a completed mix, every output chunk it counts and one progress record per
     * segment: the result, the chunks and the progress travel on different topics and partitions, so a consumer may
     * see the result first.
     */
    public boolean done() {
        if (result == null) {
            return false;
        }
        if (result.getStatus() != ai.aimix.schema.MixStatus.COMPLETED) {
            return true;
        }
        for (ai.aimix.schema.VariantResult v : result.getVariants()) {
            if (chunks.getOrDefault(v.getVariant(), List.of()).size() < v.getOutputChunks()) {
                return false;
            }
        }
        return progress.size() >= result.getSegments();
    }
}
