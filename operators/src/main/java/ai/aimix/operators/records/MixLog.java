package ai.aimix.operators.records;

import org.slf4j.MDC;

/**
 * Log lines about one mix carry its id in the logging context ({@value #MIX_ID}): the cluster's JSON log lines have it
 * as a field (flink-conf/cluster/log4j-console.properties), so one mix's lines can be found among all.
 */
public final class MixLog {
    /** The logging-context key of the mix id. */
    public static final String MIX_ID = "mixId";

    private MixLog() {}

    /** Puts the mix id into the logging context until the returned handle is closed. */
    public static MDC.MDCCloseable of(String mixId) {
        return MDC.putCloseable(MIX_ID, mixId);
    }
}
