package ai.aimix.model.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** What the store records about one model version, next to its ONNX file (descriptor.json). */
public final class ModelDescriptor {
    private final String version;
    private final String architecture;
    private final long createdAtMillis;
    private final List<String> parents;
    private final String sha256;
    private final long sizeBytes;
    private final String note;

    @JsonCreator
    public ModelDescriptor(@JsonProperty("version") String version,
                           @JsonProperty("architecture") String architecture,
                           @JsonProperty("createdAtMillis") long createdAtMillis,
                           @JsonProperty("parents") List<String> parents,
                           @JsonProperty("sha256") String sha256,
                           @JsonProperty("sizeBytes") long sizeBytes,
                           @JsonProperty("note") String note) {
        this.version = version;
        this.architecture = architecture;
        this.createdAtMillis = createdAtMillis;
        this.parents = parents == null ? List.of() : List.copyOf(parents);
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.note = note;
    }

    @JsonProperty
    public String version() {
        return version;
    }

    @JsonProperty
    public String architecture() {
        return architecture;
    }

    @JsonProperty
    public long createdAtMillis() {
        return createdAtMillis;
    }

    @JsonProperty
    public List<String> parents() {
        return parents;
    }

    @JsonProperty
    public String sha256() {
        return sha256;
    }

    @JsonProperty
    public long sizeBytes() {
        return sizeBytes;
    }

    @JsonProperty
    public String note() {
        return note;
    }

    @Override
    public String toString() {
        return version + " (" + architecture + ", " + sizeBytes + " bytes, parents " + parents + ")";
    }
}
