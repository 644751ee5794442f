package ai.aimix.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.HostileRecords;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The records of issue 14's first finding, written by hand as a hostile producer would: each one is refused as
 * UNDECODABLE, quickly and without allocating what its length prefixes declare.
 */
class HostileDatumTest {

    static byte[] record(Schema schema, HostileRecords.Body body) {
        return HostileRecords.record(schema, body);
    }

    static byte[] chunkDeclaring(long declared) {
        return HostileRecords.chunkDeclaring("mix-1", declared);
    }

    /**
     * A registry entry holding a champion alias of league main for model m, whose list of former champions
     * {@code previous} writes (the array's blocks, its end marker included).
     */
    static byte[] aliasWithPrevious(HostileRecords.Body previous) {
        return record(RegistryEntry.getClassSchema(), e -> {
            e.writeIndex(1);
            e.writeString("main");
            e.writeString("m");
            previous.write(e);
            e.writeLong(1);
            e.writeIndex(0);
        });
    }

    static DecodeException refused(ContractCodec<?> codec, byte[] bytes) {
        DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(bytes));
        assertEquals(ErrorCode.UNDECODABLE, e.code(), e.getMessage());
        return e;
    }

    @Test
    void aChunkDeclaringThreeBillionBytesIsUndecodable() throws Exception {
        byte[] bytes = chunkDeclaring(3_000_000_000L);
        assertTrue(bytes.length < 48, bytes.length + " bytes");
        DecodeException e = refused(Contract.CHUNK, bytes);
        assertTrue(e.getMessage().contains("declares 3000000000 bytes"), e.getMessage());
    }

    @Test
    void aChunkDeclaringJustUnderTwoGigabytesIsRefusedBeforeAnyAllocation() throws Exception {
        byte[] bytes = chunkDeclaring(Integer.MAX_VALUE - 9);
        long before = Allocation.ofThisThread();
        refused(Contract.CHUNK, bytes);
        long allocated = Allocation.ofThisThread() - before; // Avro allocated the 2 GB first (10 s a record)
        assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
    }

    @Test
    void aNegativeLengthIsUndecodable() throws Exception {
        refused(Contract.CHUNK, chunkDeclaring(-5));
    }

    @Test
    void aRequestDeclaringBillionsOfStemsIsUndecodable() throws Exception {
        for (long count : new long[] {2_000_000_000L, 3_000_000_000L, -2_500_000_000L}) {
            byte[] bytes = HostileRecords.requestDeclaringStems("mix-1", count);
            DecodeException ex = refused(Contract.REQUEST, bytes);
            assertTrue(ex.getMessage().contains("items"), ex.getMessage());
        }
    }

    @Test
    void aRegistryEntryWithAHugeModelIdLengthIsUndecodable() throws Exception {
        byte[] bytes = HostileRecords.registryEntryDeclaring(2_147_483_000L);
        assertTrue(bytes.length <= 32, bytes.length + " bytes");
        refused(Contract.REGISTRY, bytes);
    }

    @Test
    void aUnionBranchOrEnumSymbolOutOfRangeIsUndecodable() throws Exception {
        refused(Contract.REGISTRY, record(RegistryEntry.getClassSchema(), e -> e.writeIndex(7)));
        refused(Contract.REGISTRY, record(RegistryEntry.getClassSchema(), e -> e.writeIndex(-1)));
        for (int symbol : new int[] {9, -1}) {
            // a whole chunk but for its encoding's symbol: refused for that, not for ending early
            DecodeException e = refused(Contract.CHUNK, record(AudioChunk.getClassSchema(), enc -> {
                enc.writeString("m");
                enc.writeInt(0);
                enc.writeLong(0);
                enc.writeInt(44100);
                enc.writeInt(2);
                enc.writeEnum(symbol);
                enc.writeBytes(new byte[4]);
                enc.writeBoolean(true);
                enc.writeLong(0);
                enc.writeIndex(1);
                enc.writeString("token-0123456789abcdef");
            }));
            assertTrue(e.getMessage().contains("AudioChunk.encoding: enum index " + symbol), e.getMessage());
        }
        DecodeException union =
                refused(Contract.REGISTRY, record(RegistryEntry.getClassSchema(), enc -> enc.writeIndex(7)));
        assertTrue(union.getMessage().contains("union branch 7"), union.getMessage());
    }

    @Test
    void aMalformedVarintAndTrailingBytesAreUndecodable() throws Exception {
        byte[] good = Contract.REQUEST.encode(ContractCodecTest.request());
        byte[] varint = Arrays.copyOf(good, 10 + 11);
        Arrays.fill(varint, 10, varint.length, (byte) 0xFF); // an endless varint where the mix id's length is
        refused(Contract.REQUEST, varint);
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        DecodeException e = refused(Contract.REQUEST, trailing);
        assertTrue(e.getMessage().contains("after the end"), e.getMessage());
    }

    @Test
    void manyTinyItemsBeyondTheItemBudgetAreUndecodable() throws Exception {
        // 100,000 empty strings in 100 kB would decode into ~10 MB of objects; the budget allows 4,096 + 25,000 items
        int items = 100_000;
        byte[] bytes = aliasWithPrevious(e -> {
            e.writeArrayStart();
            e.setItemCount(items);
            for (int i = 0; i < items; i++) {
                e.startItem();
                e.writeString("");
            }
            e.writeArrayEnd();
        });
        DecodeException ex = refused(Contract.REGISTRY, bytes);
        assertTrue(ex.getMessage().contains("at most"), ex.getMessage());
    }

    /**
     * The worst a record within the item budget can do: about a quarter of its bytes become items (3-character
     * strings, the smallest items that fit the budget); decoding a 1 MB one allocates at most 32 times its size (the
     * bound docs/SECURITY.md states), path names included (they are built only for a message).
     */
    @Test
    void aLargeRecordOfTinyItemsWithinTheBudgetDecodesWithinItsMemoryBound() throws Exception {
        int items = 262_000;
        byte[] bytes = aliasWithPrevious(e -> {
            e.writeArrayStart();
            e.setItemCount(items);
            for (int i = 0; i < items; i++) {
                e.startItem();
                e.writeString("v" + (char) ('a' + i % 26) + (char) ('a' + i / 26 % 26));
            }
            e.writeArrayEnd();
        });
        assertTrue(bytes.length > 1_000_000, bytes.length + " bytes");
        Contract.REGISTRY.decode(bytes); // warm: classes loaded, schemas resolved
        long before = Allocation.ofThisThread();
        RegistryEntry decoded = Contract.REGISTRY.decode(bytes);
        long allocated = Allocation.ofThisThread() - before;
        assertEquals(items, ((ChampionAlias) decoded.getPayload()).getPrevious().size());
        assertTrue(
                allocated <= 32L * bytes.length + (1 << 20),
                allocated + " bytes allocated for " + bytes.length + " (" + allocated / bytes.length + " times)");
    }

    /**
     * An array block written with its byte size (Avro's blocking encoders do that, so that readers can skip it):
     * the size must be what the items take, since a reader that skips the block trusts it (found in review).
     */
    @Test
    void aSizedBlockWhoseSizeIsNotItsItemsIsUndecodable() throws Exception {
        for (long declared : new long[] {3, 5, 100}) {
            byte[] bytes = aliasWithPrevious(sizedBlock(declared));
            DecodeException ex = refused(Contract.REGISTRY, bytes);
            assertTrue(ex.getMessage().contains("block size " + declared), ex.getMessage());
        }
        byte[] right = aliasWithPrevious(sizedBlock(4));
        assertEquals(
                2,
                ((ChampionAlias) Contract.REGISTRY.decode(right).getPayload())
                        .getPrevious()
                        .size());
    }

    /** One block of two 1-character strings (2 bytes each) declaring {@code size} bytes, then the end marker. */
    private static HostileRecords.Body sizedBlock(long size) {
        return e -> {
            e.writeLong(-2); // two items, then the block's size in bytes
            e.writeLong(size);
            e.writeString("a");
            e.writeString("b");
            e.writeLong(0);
        };
    }

    @Test
    void aGoodRecordStillDecodes() throws Exception {
        byte[] data = new byte[1000];
        AudioChunk c = new AudioChunk(
                "m",
                1,
                2L,
                48000,
                1,
                SampleEncoding.PCM_S16LE,
                ByteBuffer.wrap(data),
                true,
                Checksums.crc32c(data),
                "token-0123456789abcdef");
        assertEquals(c, Contract.CHUNK.decode(Contract.CHUNK.encode(c)));
    }
}
