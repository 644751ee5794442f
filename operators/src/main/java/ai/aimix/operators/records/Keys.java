package ai.aimix.operators.records;

import ai.aimix.schema.internal.InboundRecord;
import ai.aimix.schema.internal.SegmentRecord;
import org.apache.flink.api.java.functions.KeySelector;

/** The key of every keyed stage of the mix job: the mix id. */
public final class Keys {
    private Keys() {}

    /** Mix id of a decoded request or chunk (records that failed to decode never reach a keyed stage). */
    public static final class Inbound implements KeySelector<InboundRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(InboundRecord r) {
            if (r.getRequest() != null) {
                return r.getRequest().getMixId();
            }
            if (r.getChunk() != null) {
                return r.getChunk().getMixId();
            }
            throw new IllegalArgumentException("inbound record without request or chunk at " + r.getTopic() + "/"
                    + r.getPartition() + "@" + r.getOffset());
        }
    }

    public static final class Segment implements KeySelector<SegmentRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(SegmentRecord r) {
            return r.getMixId();
        }
    }
}
