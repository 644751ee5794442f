package ai.aimix.clients.kafka;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the job wrote about one mix, as a consumer saw it. The output chunks themselves are kept only when the
 * collector keeps audio ({@link #chunks}); what each one was (sequence, frames, checksum) always is, so the stream can
 * be checked without holding it.
 */
public final class CollectedMix {
    public final String mixId;
    /** The output chunks as received, per variant; empty when the collector does not keep audio. */
    public final Map<Variant, List<MixOutputChunk>> chunks = new EnumMap<>(Variant.class);

    public final List<MixProgress> progress = new ArrayList<>();
    public final List<MixError> errors = new ArrayList<>();
    public MixResult result;
    public long firstOutputAtMillis;
    public long lastOutputAtMillis;
    private final Map<Variant, List<Received>> received = new EnumMap<>(Variant.class);

    /** What an output chunk was, checked when it arrived. */
    private record Received(long sequence, long startFrame, long frames, boolean checksumOk, boolean last) {}

    CollectedMix(String mixId) {
        this.mixId = mixId;
    }

    /** Notes an output chunk (and keeps it when {@code keep}). */
    void add(MixOutputChunk c, boolean keep) {
        received.computeIfAbsent(c.getVariant(), v -> new ArrayList<>())
                .add(new Received(
                        c.getSequence(),
                        c.getStartFrame(),
                        c.getData().remaining() / (2L * Pcm.bytesPerSample(c.getEncoding())),
                        Checksums.crc32c(c.getData()) == c.getChecksum(),
                        c.getLast()));
        if (keep) {
            chunks.computeIfAbsent(c.getVariant(), v -> new ArrayList<>()).add(c);
        }
    }

    /** Output chunks received for a variant. */
    public int chunksReceived(Variant variant) {
        return received.getOrDefault(variant, List.of()).size();
    }

    /** Problems with the output stream of a variant: gaps, duplicates, disorder, bad checksums, missing end. */
    public List<String> streamProblems(Variant variant) {
        List<String> problems = new ArrayList<>();
        List<Received> list = received.getOrDefault(variant, List.of());
        long expectedSeq = 0;
        long expectedFrame = 0;
        for (Received c : list) {
            if (c.sequence() != expectedSeq) {
                problems.add("sequence " + c.sequence() + " where " + expectedSeq + " was due");
            }
            if (c.startFrame() != expectedFrame) {
                problems.add(
                        "chunk " + c.sequence() + " starts at frame " + c.startFrame() + ", expected " + expectedFrame);
            }
            if (!c.checksumOk()) {
                problems.add("chunk " + c.sequence() + " fails its checksum");
            }
            expectedSeq = c.sequence() + 1;
            expectedFrame = c.startFrame() + c.frames();
        }
        if (list.isEmpty() || !list.get(list.size() - 1).last()) {
            problems.add("no chunk flagged last");
        }
        return problems;
    }

    /**
     * The variant's mixed audio, interleaved stereo, decoded from the chunks in sequence order.
     *
     * @throws IllegalStateException when the collector did not keep audio
     */
    public float[] audio(Variant variant) {
        if (chunksReceived(variant) > 0 && !chunks.containsKey(variant)) {
            throw new IllegalStateException("the collector of mix " + mixId + " did not keep its audio");
        }
        List<MixOutputChunk> list = new ArrayList<>(chunks.getOrDefault(variant, List.of()));
        list.sort(Comparator.comparingLong(MixOutputChunk::getSequence));
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
        if (result.getStatus() != MixStatus.COMPLETED) {
            return true;
        }
        for (VariantResult v : result.getVariants()) {
            if (chunksReceived(v.getVariant()) < v.getOutputChunks()) {
                return false;
            }
        }
        return progress.size() >= result.getSegments();
    }
}
