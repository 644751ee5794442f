package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Fuzz;
import ai.aimix.schema.testing.Mutation;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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
    static final long FIXED_BYTES = 1 << 20;

    /** A codec per tracked contract type and the writer schemas it reads (current and historical). */
    record Target(ContractCodec<SpecificRecordBase> codec, List<Schema> writers) {
    }

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
        GenericRecord datum = (GenericRecord) new RandomData(writer, 1, seed).iterator().next();
        try {
            ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(datum);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
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
            throw new AssertionError("decoding " + input.bytes().length + " bytes allocated " + allocated
                    + " bytes, above " + bound);
        }
    }

    @Test
    void anyRecordDecodesOrFailsWithADecodeCodeWithinItsMemoryBound() {
        Fuzz.check("contract records, mutated", ContractCodecFuzzTest::mutatedRecord,
                ContractCodecFuzzTest::decodesOrFailsTypedWithinBound);
    }

    @Test
    void randomBytesBehindAValidHeaderDecodeOrFailTyped() {
        Fuzz.check("noise behind a header", ContractCodecFuzzTest::noise,
                ContractCodecFuzzTest::decodesOrFailsTypedWithinBound);
    }
}
