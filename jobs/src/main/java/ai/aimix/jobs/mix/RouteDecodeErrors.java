package ai.aimix.jobs.mix;

import ai.aimix.schema.MixError;
import ai.aimix.schema.internal.InboundRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends records that failed to decode to the dead letters; passes requests and chunks on. Stateless. */
public final class RouteDecodeErrors extends ProcessFunction<InboundRecord, InboundRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<MixError> ERRORS =
            new OutputTag<>("decode-errors", TypeInformation.of(MixError.class));

    @Override
    public void processElement(InboundRecord in, Context ctx, Collector<InboundRecord> out) {
        if (in.getError() != null) {
            ctx.output(ERRORS, in.getError());
        } else {
            out.collect(in);
        }
    }
}
