package ai.aimix.gateway.keys;

import ai.aimix.schema.codec.ContractLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one API key may do: mixes created per hour, mixes running at once, bytes per stem upload, stems per mix,
 * seconds of audio per mix, renders per hour (each takes a second or two of CPU for a long song). The defaults are
 * declared here, once.
 */
public record KeyLimits(
        int mixesPerHour, int concurrentMixes, long maxUploadBytes, int maxStems, int maxSeconds, int rendersPerHour) {
    public static final int DEFAULT_MIXES_PER_HOUR = 600;
    public static final int DEFAULT_CONCURRENT_MIXES = 20;
    /** 1 GiB: ten minutes of 96 kHz stereo float, with room to spare. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 30;

    /** The contract's: what the job accepts by default. */
    public static final int DEFAULT_MAX_STEMS = ContractLimits.DEFAULT_MAX_STEMS;

    public static final int DEFAULT_MAX_SECONDS = ContractLimits.DEFAULT_MAX_TRACK_SECONDS;
    /** Renders per hour: a studio session's worth of adjustments. */
    public static final int DEFAULT_RENDERS_PER_HOUR = 600;

    public static KeyLimits defaults() {
        return new KeyLimits(
                DEFAULT_MIXES_PER_HOUR,
                DEFAULT_CONCURRENT_MIXES,
                DEFAULT_MAX_UPLOAD_BYTES,
                DEFAULT_MAX_STEMS,
                DEFAULT_MAX_SECONDS,
                DEFAULT_RENDERS_PER_HOUR);
    }

    /** These limits, with the default number of renders per hour. */
    public KeyLimits(int mixesPerHour, int concurrentMixes, long maxUploadBytes, int maxStems, int maxSeconds) {
        this(mixesPerHour, concurrentMixes, maxUploadBytes, maxStems, maxSeconds, DEFAULT_RENDERS_PER_HOUR);
    }

    public KeyLimits {
        if (mixesPerHour < 1
                || concurrentMixes < 1
                || maxUploadBytes < 1
                || maxStems < 1
                || maxSeconds < 1
                || rendersPerHour < 1) {
            throw new IllegalArgumentException("every limit of a key must be at least 1: " + this);
        }
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("mixesPerHour", mixesPerHour);
        o.put("concurrentMixes", concurrentMixes);
        o.put("maxUploadBytes", maxUploadBytes);
        o.put("maxStems", maxStems);
        o.put("maxSeconds", maxSeconds);
        o.put("rendersPerHour", rendersPerHour);
        return o;
    }

    static KeyLimits fromJson(JsonNode o) {
        KeyLimits d = defaults();
        return new KeyLimits(
                o.path("mixesPerHour").asInt(d.mixesPerHour),
                o.path("concurrentMixes").asInt(d.concurrentMixes),
                o.path("maxUploadBytes").asLong(d.maxUploadBytes),
                o.path("maxStems").asInt(d.maxStems),
                o.path("maxSeconds").asInt(d.maxSeconds),
                o.path("rendersPerHour").asInt(d.rendersPerHour));
    }
}
