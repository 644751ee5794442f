package ai.aimix.operators.records;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;
import java.util.List;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/** Builders for the records flowing through the mix job's chain. */
public final class Segments {
    private Segments() {}

    public static SegmentRecord.Builder base(SegmentKind kind, String mixId) {
        return SegmentRecord.newBuilder()
                .setKind(kind)
                .setMixId(mixId)
                .setModels(List.of())
                .setRoles(List.of())
                .setAudio(List.of())
                .setMel(List.of())
                .setParams(List.of());
    }

    /** Prefix of the keys of REGISTRY records (they belong to no mix and touch no keyed state). */
    public static final String REGISTRY_KEY = "\u0000registry-";

    /**
     * A key for REGISTRY records that falls in this subtask's key groups: keyed operators downstream set it as
     * their current key, and the state backend refuses keys of other subtasks' key groups.
     */
    public static String registryKey(int maxParallelism, int parallelism, int subtask) {
        KeyGroupRange range =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, subtask);
        for (int i = 0; ; i++) {
            String key = REGISTRY_KEY + i;
            if (range.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism))) {
                return key;
            }
        }
    }

    /** A models.registry entry travelling down the chain to the inference operator, under a local key. */
    public static SegmentRecord registry(RegistryEntry entry, String key) {
        return base(SegmentKind.REGISTRY, key).setRegistry(entry).build();
    }

    /**
     * A FAIL record. {@code request} (may be null) lets the last stage build a result for a mix it never saw,
     * when the request itself was rejected.
     */
    public static SegmentRecord fail(String mixId, MixError failure, boolean requestRejected, MixRequest request) {
        return base(SegmentKind.FAIL, mixId)
                .setFailure(failure)
                .setRequestRejected(requestRejected)
                .setRequest(request)
                .build();
    }
}
