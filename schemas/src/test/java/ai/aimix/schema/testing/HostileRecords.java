package ai.aimix.schema.testing;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.Battle;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Vote;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Records a hostile producer writes by hand (issue 14, finding 1): single-object encoded values whose length
 * prefixes and item counts promise far more than the bytes that follow.
 */
public final class HostileRecords {
    private HostileRecords() {}

    /** Writes a datum's fields with Avro's binary encoder. */
    public interface Body {
        void write(BinaryEncoder e) throws IOException;
    }

    /** The single-object header of {@code schema} followed by what {@code body} writes. */
    public static byte[] record(Schema schema, Body body) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0xC3);
            out.write(0x01);
            out.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SchemaNormalization.parsingFingerprint64(schema))
                    .array());
            BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
            body.write(e);
            e.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An AudioChunk of mix {@code mixId} up to its data field, whose length prefix declares {@code declared} bytes. */
    public static byte[] chunkDeclaring(String mixId, long declared) {
        return record(AudioChunk.getClassSchema(), e -> {
            e.writeString(mixId);
            e.writeInt(0);
            e.writeLong(0);
            e.writeInt(44100);
            e.writeInt(2);
            e.writeEnum(SampleEncoding.PCM_S16LE.ordinal());
            e.writeLong(declared);
        });
    }

    /** A MixRequest up to its stems array, whose first block declares {@code count} stems (negative: a sized block). */
    public static byte[] requestDeclaringStems(String mixId, long count) {
        return record(MixRequest.getClassSchema(), e -> {
            e.writeString(mixId);
            e.writeLong(1L);
            e.writeInt(44100);
            e.writeLong(count);
            if (count < 0) {
                e.writeLong(0); // a negative count is followed by the block's size in bytes
            }
        });
    }

    /** A Vote on {@code battleId} whose voter id's length prefix declares {@code declared} bytes. */
    public static byte[] voteDeclaring(String battleId, long declared) {
        return record(Vote.getClassSchema(), e -> {
            e.writeString(battleId);
            e.writeLong(declared);
        });
    }

    /** A Battle up to its voters array, whose first block declares {@code count} voters. */
    public static byte[] battleDeclaringVoters(String battleId, long count) {
        return record(Battle.getClassSchema(), e -> {
            e.writeString(battleId);
            e.writeString("main");
            e.writeString("song");
            e.writeString("mix");
            e.writeString("m0");
            e.writeString("m1");
            e.writeLong(20_000L);
            e.writeLong(1L);
            e.writeIndex(0); // closesAtMillis: null
            e.writeLong(count);
        });
    }

    /** A RegistryEntry holding a champion alias whose model id's length prefix declares {@code declared} bytes. */
    public static byte[] registryEntryDeclaring(long declared) {
        return record(RegistryEntry.getClassSchema(), e -> {
            e.writeIndex(1); // ChampionAlias
            e.writeString("main");
            e.writeLong(declared);
        });
    }
}
