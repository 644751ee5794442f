package ai.aimix.model.store;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.ParameterRange;
import ai.aimix.schema.codec.ContractLimits;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** Building model descriptors from ONNX files, and their JSON form (Avro's JSON encoding). */
public final class Descriptors {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Descriptors() {}

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static void requireValidId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid model id '" + id
                    + "': use 1-64 letters, digits, '.', '_' or '-'," + " starting with a letter or digit");
        }
    }

    /**
     * The descriptor of an ONNX file about to be stored at {@code uri}: spec, format and precision from the file,
     * checked to be servable ({@link OnnxModelInfo#check()}).
     */
    public static ModelDescriptor describe(
            String id,
            byte[] onnx,
            String uri,
            ModelLineage lineage,
            Map<String, Double> metrics,
            ModelStatus status,
            long now)
            throws UnsupportedModelFormatException {
        requireValidId(id);
        OnnxModelInfo info = OnnxModelInfo.of(onnx);
        ModelFormat format = info.check();
        List<ParameterRange> params = new ArrayList<>();
        for (ModelOutput o : format.parameters()) {
            params.add(new ParameterRange(o.name(), o.min(), o.max(), o.neutral()));
        }
        return ModelDescriptor.newBuilder()
                .setModelId(id)
                .setArchitecture(info.architecture)
                .setFormatVersion(format.number())
                .setInputs(info.inputs)
                .setOutputs(info.outputs)
                .setParameters(params)
                .setPrecision(info.precision)
                .setSha256(sha256(onnx))
                .setSizeBytes(onnx.length)
                .setUri(uri)
                .setCreatedAtMillis(now)
                .setLineage(lineage)
                .setMetrics(Map.copyOf(metrics))
                .setStatus(status)
                .setUpdatedAtMillis(now)
                .build();
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Avro JSON, pretty enough for people (one field per line). */
    public static String toJson(ModelDescriptor d) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder enc = EncoderFactory.get().jsonEncoder(ModelDescriptor.getClassSchema(), out, true);
            new SpecificDatumWriter<>(ModelDescriptor.class).write(d, enc);
            enc.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ModelDescriptor fromJson(String json) throws IOException {
        try {
            return new SpecificDatumReader<>(ModelDescriptor.class)
                    .read(null, DecoderFactory.get().jsonDecoder(ModelDescriptor.getClassSchema(), json));
        } catch (JsonProcessingException e) {
            // Jackson's message spans lines and may quote the input: its own reason and where, on one line
            JsonLocation at = e.getLocation();
            throw new IOException(
                    "not a model descriptor: " + oneLine(e.getOriginalMessage())
                            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a model descriptor: " + oneLine(e.getMessage()), e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : ContractLimits.excerpt(message, MAX_MESSAGE);
    }

    private static final int MAX_MESSAGE = 160;

    /** A copy with another status, stamped {@code now}. */
    public static ModelDescriptor withStatus(ModelDescriptor d, ModelStatus status, long now) {
        return ModelDescriptor.newBuilder(d)
                .setStatus(status)
                .setUpdatedAtMillis(now)
                .build();
    }
}
