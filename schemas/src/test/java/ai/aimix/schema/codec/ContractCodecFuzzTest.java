package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Fuzz;
import ai.aimix.schema.testing.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the contract's decoders (issue 14): records of every contract type, written with every released version
 * of its schema, then mutated the ways a hostile producer or a damaged disk would (bytes flipped, inserted, removed;
 * length prefixes and item counts replaced by huge or negative numbers; 32-bit fields; truncation; another type's
 * fingerprint); and noise behind a valid header. Invariant: any input decodes to a record or fails with a
 * {@link DecodeException} of a decode code, never another exception, and decoding never allocates more than a small
 * multiple of the input's size. {@link Fuzz} runs it (docs/SECURITY.md, Fuzzing).
 */
@Tag("fuzz")
class ContractCodecFuzzTest {
    /** Allocation allowed per decode: this many times the input, plus a fixed amount for the decoder's own objects. */
    static final long BYTES_PER_INPUT_BYTE = 32;

    static final long FIXED_BYTES = 64 << 10;

    /** A codec per tracked contract type and the writer schemas it reads (current and historical). */
    record Target(ContractCodec<SpecificRecordBase> codec, List<Schema> writers) {}

    static final List<Target> TARGETS = targets();

    @SuppressWarnings("unchecked")
    static List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (String name : SchemaHistory.TRACKED) {
            if (name.contains(".internal.")) {
                continue; // state records are written by the job itself, never read from outside
            }
            try {
                Class<SpecificRecordBase> type = (Class<SpecificRecordBase>) Class.forName(name);
                out.add(new Target(new ContractCodec<>(type), SchemaHistory.versions(name)));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @BeforeAll
    static void warmUp() throws Exception {
        // class loading and the first decode of each type allocate once; the bound is about decoding
        for (Target t : TARGETS) {
            for (int v = 0; v < t.writers().size(); v++) {
                byte[] valid = valid(t, v, 1L);
                t.codec().decode(valid);
                try {
                    t.codec().decode(Mutation.apply(valid, List.of(Mutation.hugeLength(0.5))));
                } catch (DecodeException expected) {
                    // warming the error path
                }
            }
        }
    }

    /** A valid encoding of a random record of {@code t}'s {@code version}-th writer schema. */
    static byte[] valid(Target t, int version, long seed) {
        Schema writer = t.writers().get(version);
        GenericRecord datum =
                (GenericRecord) new RandomData(writer, 1, seed).iterator().next();
        try {
            ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(datum);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An input: which codec decodes it, and its bytes. */
    record Input(int target, byte[] bytes) {
        @Override
        public String toString() {
            return TARGETS.get(target).codec().type().getSimpleName() + " " + Mutation.hex(bytes);
        }
    }

    /** A valid record of some type and version (mostly the target's own, sometimes another's), mutated. */
    static Input mutatedRecord(SplittableRandom r) {
        int target = r.nextInt(TARGETS.size());
        Target from = TARGETS.get(r.nextInt(7) == 0 ? r.nextInt(TARGETS.size()) : target);
        byte[] valid = valid(from, r.nextInt(from.writers().size()), r.nextLong());
        return new Input(target, Mutation.apply(valid, Mutation.randomList(r, 4)));
    }

    /** Random bytes behind a valid header, so they reach the datum walker and the decoder. */
    static Input noise(SplittableRandom r) {
        int target = r.nextInt(TARGETS.size());
        Target t = TARGETS.get(target);
        byte[] header = Arrays.copyOf(valid(t, t.writers().size() - 1, 7L), 10);
        byte[] out = Arrays.copyOf(header, 10 + r.nextInt(257));
        for (int i = 10; i < out.length; i++) {
            out[i] = (byte) r.nextInt(256);
        }
        return new Input(target, out);
    }

    static void decodesOrFailsTypedWithinBound(Input input) {
        ContractCodec<SpecificRecordBase> codec = TARGETS.get(input.target()).codec();
        long before = Allocation.ofThisThread();
        try {
            codec.decode(input.bytes());
        } catch (DecodeException e) {
            if (e.code() != ErrorCode.UNDECODABLE && e.code() != ErrorCode.UNKNOWN_SCHEMA) {
                throw new AssertionError("decode failed with " + e.code() + ": " + e.getMessage());
            }
        }
        long allocated = Allocation.ofThisThread() - before;
        long bound = BYTES_PER_INPUT_BYTE * input.bytes().length + FIXED_BYTES;
        if (allocated > bound) {
            throw new AssertionError(
                    "decoding " + input.bytes().length + " bytes allocated " + allocated + " bytes, above " + bound);
        }
    }

    @Test
    void anyRecordDecodesOrFailsWithADecodeCodeWithinItsMemoryBound() {
        Fuzz.check(
                "contract records, mutated",
                ContractCodecFuzzTest::mutatedRecord,
                ContractCodecFuzzTest::decodesOrFailsTypedWithinBound);
    }

    /**
     * A large valid record (up to a few hundred kB: long strings and bytes, arrays and maps of thousands of items,
     * often tiny ones) of some type and version, sometimes mutated: where the multiple of the input's size, not the
     * fixed allowance, is what bounds the allocation.
     */
    static Input largeRecord(SplittableRandom r) {
        int target = r.nextInt(TARGETS.size());
        Target t = TARGETS.get(target);
        Schema writer = t.writers().get(r.nextInt(t.writers().size()));
        Object datum = wide(writer, r, new int[] {200_000}, 0);
        byte[] bytes;
        try {
            ByteBuffer b =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode((GenericRecord) datum);
            bytes = new byte[b.remaining()];
            b.get(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Input(target, r.nextBoolean() ? bytes : Mutation.apply(bytes, Mutation.randomList(r, 2)));
    }

    /** A random datum of {@code s} whose strings, bytes and containers are large, within about {@code budget[0]} bytes. */
    static Object wide(Schema s, SplittableRandom r, int[] budget, int depth) {
        switch (s.getType()) {
            case RECORD:
                GenericRecord rec = new GenericData.Record(s);
                for (Schema.Field f : s.getFields()) {
                    rec.put(f.pos(), wide(f.schema(), r, budget, depth + 1));
                }
                return rec;
            case UNION:
                return wide(s.getTypes().get(r.nextInt(s.getTypes().size())), r, budget, depth + 1);
            case ARRAY:
            case MAP:
                int n = depth > 6 ? 0 : r.nextInt(Math.max(1, Math.min(budget[0] / 4, r.nextBoolean() ? 20_000 : 50)));
                budget[0] -= n;
                if (s.getType() == Schema.Type.ARRAY) {
                    List<Object> items = new ArrayList<>(n);
                    for (int i = 0; i < n && budget[0] > 0; i++) {
                        items.add(wide(s.getElementType(), r, budget, depth + 1));
                    }
                    return new GenericData.Array<>(s, items);
                }
                Map<String, Object> map = new HashMap<>();
                for (int i = 0; i < n && budget[0] > 0; i++) {
                    map.put("k" + i, wide(s.getValueType(), r, budget, depth + 1));
                }
                return map;
            case STRING:
                int chars = r.nextInt(8) == 0 ? r.nextInt(Math.max(1, Math.min(budget[0], 65_536))) : r.nextInt(4);
                budget[0] -= chars;
                StringBuilder b = new StringBuilder(chars);
                for (int i = 0; i < chars; i++) {
                    b.append((char) ('a' + r.nextInt(26)));
                }
                return b.toString();
            case BYTES:
                int size = r.nextInt(4) == 0 ? r.nextInt(Math.max(1, Math.min(budget[0], 131_072))) : r.nextInt(8);
                budget[0] -= size;
                byte[] bytes = new byte[size];
                for (int i = 0; i < size; i++) {
                    bytes[i] = (byte) r.nextInt(256);
                }
                return ByteBuffer.wrap(bytes);
            case FIXED:
                return new GenericData.Fixed(s, new byte[s.getFixedSize()]);
            case ENUM:
                return new GenericData.EnumSymbol(
                        s, s.getEnumSymbols().get(r.nextInt(s.getEnumSymbols().size())));
            case INT:
                return r.nextInt();
            case LONG:
                return r.nextLong();
            case FLOAT:
                return r.nextFloat();
            case DOUBLE:
                return r.nextDouble();
            case BOOLEAN:
                return r.nextBoolean();
            default:
                return null;
        }
    }

    @Test
    void largeRecordsDecodeOrFailTypedWithinTheirMemoryBound() {
        // a few hundred kB each: fewer tries than the small records take
        Fuzz.check(
                "large contract records",
                Fuzz.DEFAULT_TRIES / 4,
                ContractCodecFuzzTest::largeRecord,
                ContractCodecFuzzTest::decodesOrFailsTypedWithinBound);
    }

    @Test
    void randomBytesBehindAValidHeaderDecodeOrFailTyped() {
        Fuzz.check(
                "noise behind a header",
                ContractCodecFuzzTest::noise,
                ContractCodecFuzzTest::decodesOrFailsTypedWithinBound);
    }
}
