package ai.aimix.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tracked schema can read every earlier recorded version of itself, the newest recorded version is the
 * current schema, and the checks are strong enough to notice an incompatible change.
 */
class SchemaHistoryCompatibilityTest {

    static List<String> tracked() {
        return SchemaHistory.TRACKED;
    }

    private static Schema current(String fullName) throws Exception {
        return (Schema) Class.forName(fullName).getField("SCHEMA$").get(null);
    }

    @ParameterizedTest
    @MethodSource("tracked")
    void newestRecordedVersionIsTheCurrentSchema(String fullName) throws Exception {
        Schema current = current(fullName);
        List<Schema> history = SchemaHistory.versions(fullName);
        assertFalse(history.isEmpty(), "no avro-history for " + fullName);
        Schema newest = history.get(history.size() - 1);
        if (SchemaNormalization.parsingFingerprint64(newest) != SchemaNormalization.parsingFingerprint64(current)) {
            fail(fullName + " changed since avro-history v" + history.size() + ". Check the change is compatible,"
                    + " then record it as schemas/src/main/resources/avro-history/" + fullName + "/v"
                    + (history.size() + 1) + ".avsc with this content:\n" + current.toString(true));
        }
    }

    @ParameterizedTest
    @MethodSource("tracked")
    void currentSchemaReadsEveryRecordedVersion(String fullName) throws Exception {
        Schema current = current(fullName);
        for (Schema older : SchemaHistory.versions(fullName)) {
            SchemaCompatibility.SchemaPairCompatibility pair =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, older);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, pair.getType(), pair.getDescription());
        }
    }

    @ParameterizedTest
    @MethodSource("tracked")
    @SuppressWarnings("unchecked")
    void dataWrittenWithEveryRecordedVersionDecodesIntoTheCurrentClass(String fullName) throws Exception {
        Class<? extends SpecificRecordBase> type = (Class<? extends SpecificRecordBase>) Class.forName(fullName);
        ContractCodec<SpecificRecordBase> codec = new ContractCodec<>((Class<SpecificRecordBase>) type);
        List<Schema> history = SchemaHistory.versions(fullName);
        for (int v = 0; v < history.size(); v++) {
            Schema writer = history.get(v);
            int n = 0;
            for (Object datum : new RandomData(writer, 20, 1234L + v)) {
                ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
                        .encode((GenericRecord) datum);
                byte[] bytes = new byte[encoded.remaining()];
                encoded.get(bytes);
                SpecificRecordBase decoded = codec.decode(bytes);
                assertNotNull(decoded);
                GenericRecord original = (GenericRecord) datum;
                for (Schema.Field f : writer.getFields()) {
                    if (current(fullName).getField(f.name()) != null
                            && f.schema().getType() == Schema.Type.STRING) {
                        assertEquals(
                                String.valueOf(original.get(f.name())),
                                String.valueOf(decoded.get(f.name())),
                                fullName + " v" + (v + 1) + " field " + f.name());
                    }
                }
                n++;
            }
            assertEquals(20, n);
        }
    }

    /** What the checks above will see when a field is added: with a default it reads old data, without it does not. */
    @ParameterizedTest
    @MethodSource("tracked")
    void addingAFieldIsCaughtUnlessItHasADefault(String fullName) throws Exception {
        Schema current = current(fullName);
        Schema withDefault = withExtraField(current, true);
        Schema withoutDefault = withExtraField(current, false);

        assertEquals(
                SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(withDefault, current)
                        .getType());
        assertEquals(
                SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(withoutDefault, current)
                        .getType());

        // data of today's schema decodes under the evolved schema through single-object encoding
        BinaryMessageDecoder<GenericRecord> evolved = new BinaryMessageDecoder<>(GenericData.get(), withDefault);
        evolved.addSchema(current);
        for (Object datum : new RandomData(current, 5, 99L)) {
            ByteBuffer encoded =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), current).encode((GenericRecord) datum);
            GenericRecord read = evolved.decode(encoded);
            assertEquals("added-later", String.valueOf(read.get("addedLater")));
        }
        assertTrue(SpecificData.get().getClass(current) != null);
    }

    private static Schema withExtraField(Schema base, boolean withDefault) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(
                withDefault
                        ? new Schema.Field("addedLater", Schema.create(Schema.Type.STRING), "test field", "added-later")
                        : new Schema.Field("addedLater", Schema.create(Schema.Type.STRING), "test field"));
        // a different full name keeps the evolved copy from clashing with the generated class
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
