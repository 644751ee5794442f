package ai.aimix.clients.kafka;

import ai.aimix.schema.codec.Contract;
import java.util.List;

/** The topic names a client talks to (the contract's defaults unless a deployment renamed them). */
public final class Topics {
    public final String requests;
    public final String chunks;
    public final String output;
    public final String progress;
    public final String results;
    public final String errors;

    public Topics(String requests, String chunks, String output, String progress, String results, String errors) {
        this.requests = requests;
        this.chunks = chunks;
        this.output = output;
        this.progress = progress;
        this.results = results;
        this.errors = errors;
    }

    public static Topics defaults() {
        return new Topics(
                Contract.MIX_REQUESTS,
                Contract.AUDIO_CHUNKS,
                Contract.MIX_OUTPUT,
                Contract.MIX_PROGRESS,
                Contract.MIX_RESULTS,
                Contract.MIX_ERRORS);
    }

    public List<String> all() {
        return List.of(requests, chunks, output, progress, results, errors);
    }
}
