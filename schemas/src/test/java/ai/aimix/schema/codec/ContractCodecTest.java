package ai.aimix.schema.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.StemSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class ContractCodecTest {

    static MixRequest request() {
        return MixRequest.newBuilder()
                .setMixId("song-1")
                .setRequestedAtMillis(1_700_000_000_000L)
                .setSampleRate(44100)
                .setStems(List.of(
                        new StemSpec(0, "drums", StemRole.DRUMS, 2), new StemSpec(1, "vox", StemRole.VOCALS, 1)))
                .setModel(ModelSelections.champion())
                .build();
    }

    @Test
    void roundTripsWithSingleObjectHeader() throws Exception {
        byte[] bytes = Contract.REQUEST.encode(request());
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        assertEquals(request(), Contract.REQUEST.decode(bytes));
    }

    @Test
    void chunkPayloadSurvivesAndChecksumMatches() throws Exception {
        float[] samples = {0f, 0.5f, -0.5f, 1f, -1f, 0.25f};
        ByteBuffer data = Pcm.encode(samples, 0, samples.length, SampleEncoding.PCM_F32LE);
        AudioChunk chunk = new AudioChunk(
                "m", 0, 3L, 48000, 2, SampleEncoding.PCM_F32LE, data, false, Checksums.crc32c(data), null);
        AudioChunk back = Contract.CHUNK.decode(Contract.CHUNK.encode(chunk));
        assertEquals(chunk.getChecksum(), Checksums.crc32c(back.getData()));
        assertArrayEquals(samples, Pcm.decode(back.getData(), SampleEncoding.PCM_F32LE));
    }

    @Test
    void sixteenBitPcmRoundsAndClips() {
        float[] samples = {0f, 0.5f, -1f, 1.5f, -1.5f, 1f / 32768f};
        float[] back =
                Pcm.decode(Pcm.encode(samples, 0, samples.length, SampleEncoding.PCM_S16LE), SampleEncoding.PCM_S16LE);
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 32767f / 32768f, -1f, 1f / 32768f}, back);
        assertEquals(3, Pcm.frames(12, 2, SampleEncoding.PCM_S16LE));
        assertEquals(-1, Pcm.frames(10, 2, SampleEncoding.PCM_F32LE));
    }

    @Test
    void garbageIsUndecodable() {
        DecodeException e = assertThrows(
                DecodeException.class, () -> Contract.REQUEST.decode("{\"mixId\": \"json is not avro\"}".getBytes()));
        assertEquals(ErrorCode.UNDECODABLE, e.code());
        assertEquals(
                ErrorCode.UNDECODABLE,
                assertThrows(DecodeException.class, () -> Contract.REQUEST.decode(new byte[0]))
                        .code());
    }

    @Test
    void truncatedDatumIsUndecodable() {
        byte[] bytes = Contract.REQUEST.encode(request());
        DecodeException e = assertThrows(
                DecodeException.class, () -> Contract.REQUEST.decode(Arrays.copyOf(bytes, bytes.length - 7)));
        assertEquals(ErrorCode.UNDECODABLE, e.code());
    }

    @Test
    void foreignSchemaIsUnknownSchema() {
        Schema other =
                SchemaBuilder.record("Other").fields().requiredString("x").endRecord();
        GenericRecord r = new GenericData.Record(other);
        r.put("x", "hello");
        ByteBuffer encoded;
        try {
            encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(r);
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        DecodeException e = assertThrows(DecodeException.class, () -> Contract.REQUEST.decode(bytes));
        assertEquals(ErrorCode.UNKNOWN_SCHEMA, e.code());
    }

    /**
     * The upload token (MixRequest v3, AudioChunk v2): records of older producers decode with no token, and readers
     * of the older versions read the new records, ignoring it.
     */
    @Test
    void theUploadTokenIsACompatibleAddition() throws Exception {
        Schema requestV2 = SchemaHistory.versions(MixRequest.getClassSchema().getFullName())
                .get(1);
        Schema chunkV1 = SchemaHistory.versions(AudioChunk.getClassSchema().getFullName())
                .get(0);
        assertEquals(null, requestV2.getField("uploadToken"));
        assertEquals(null, chunkV1.getField("uploadToken"));

        MixRequest current = MixRequest.newBuilder(request())
                .setUploadToken("0123456789abcdef0123")
                .build();
        // the new record as an old consumer reads it
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), requestV2);
        oldReader.addSchema(MixRequest.getClassSchema());
        GenericRecord old = oldReader.decode(Contract.REQUEST.encode(current));
        assertEquals("song-1", old.get("mixId").toString());
        // an old producer's record as the job reads it
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), requestV2).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        MixRequest back = Contract.REQUEST.decode(bytes);
        assertEquals(null, back.getUploadToken());
        assertEquals(MixRequest.newBuilder(current).setUploadToken(null).build(), back);
    }

    @Test
    void chunkCodecRejectsARequest() {
        DecodeException e =
                assertThrows(DecodeException.class, () -> Contract.CHUNK.decode(Contract.REQUEST.encode(request())));
        assertEquals(ErrorCode.UNKNOWN_SCHEMA, e.code());
    }
}
