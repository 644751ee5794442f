package ai.aimix.operators.records;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.internal.SegmentKind;
import ai.aimix.schema.internal.SegmentRecord;

import java.util.List;

/** Builders for the records flowing through the mix job's chain. */
public final class Segments {
    private Segments() {
    }

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
