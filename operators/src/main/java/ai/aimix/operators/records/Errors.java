package ai.aimix.operators.records;

import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixError;
import ai.aimix.schema.internal.InboundRecord;

/** Builds dead letters for mix.errors. */
public final class Errors {
    private Errors() {}

    public static MixError of(
            ErrorCode code,
            boolean fatal,
            String message,
            String mixId,
            InboundRecord source,
            Integer stemIndex,
            Long sequence,
            long now) {
        MixError.Builder b = MixError.newBuilder()
                .setMixId(mixId)
                .setCode(code)
                .setFatal(fatal)
                .setMessage(message)
                .setStemIndex(stemIndex)
                .setSequence(sequence)
                .setOccurredAtMillis(now);
        if (source != null) {
            b.setTopic(source.getTopic()).setPartition(source.getPartition()).setOffset(source.getOffset());
        } else {
            b.setTopic(null).setPartition(null).setOffset(null);
        }
        return b.build();
    }

    public static MixError ofMix(ErrorCode code, boolean fatal, String message, String mixId, long now) {
        return of(code, fatal, message, mixId, null, null, null, now);
    }
}
