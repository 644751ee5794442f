package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Mutation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the contract's decoders (issue 14), with jqwik: records of every tracked type, written with every
 * released version of its schema, then mutated the ways a hostile producer or a damaged disk would (bytes flipped,
 * inserted, removed; length prefixes and item counts replaced by huge or negative numbers; union and enum indexes out
 * of range; truncation; another type's fingerprint). Invariant: any input decodes to a record or fails with a
 * {@link DecodeException} of a decode code, never another exception, and decoding never allocates more than a small
 * multiple of the input's size. Runs in {@code mvn verify} with the tries of junit-platform.properties; longer runs:
 * docs/SECURITY.md (Fuzzing).
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

    @BeforeContainer
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

    /** An input: which codec decodes it, and its bytes (a valid record of some type and version, mutated). */
    record Input(int target, byte[] bytes) {
        @Override
        public String toString() {
            return TARGETS.get(target).codec().type().getSimpleName() + " " + Mutation.hex(bytes);
        }
    }

    @Provide
    Arbitrary<Input> mutatedRecords() {
        Arbitrary<Integer> target = Arbitraries.integers().between(0, TARGETS.size() - 1);
        Arbitrary<Integer> source = Arbitraries.integers().between(0, TARGETS.size() - 1);
        Arbitrary<Integer> version = Arbitraries.integers().between(0, 10);
        Arbitrary<Long> seed = Arbitraries.longs();
        Arbitrary<List<Mutation>> mutations = Mutation.arbitrary().list().ofMaxSize(4);
        return Combinators.combine(target, source, version, seed, mutations).as((t, s, v, sd, m) -> {
            // mostly the target's own records; sometimes another type's, to cross the fingerprints
            Target from = TARGETS.get(sd % 7 == 0 ? s : t);
            byte[] valid = valid(from, v % from.writers().size(), sd);
            return new Input(t, Mutation.apply(valid, m));
        });
    }

    @Property
    void anyRecordDecodesOrFailsWithADecodeCodeWithinItsMemoryBound(@ForAll("mutatedRecords") Input input) {
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

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
        Arbitrary<Integer> target = Arbitraries.integers().between(0, TARGETS.size() - 1);
        // behind a valid header, so the bytes reach the datum walker and the decoder
        return Combinators.combine(target, raw).as((t, r) -> {
            byte[] header = java.util.Arrays.copyOf(valid(TARGETS.get(t), TARGETS.get(t).writers().size() - 1, 7L),
                    10);
            byte[] out = java.util.Arrays.copyOf(header, 10 + r.length);
            System.arraycopy(r, 0, out, 10, r.length);
            return out;
        });
    }

    @Property
    void randomBytesBehindAValidHeaderNeverThrowAnythingElse(@ForAll("noise") byte[] bytes) {
        for (Target t : TARGETS) {
            try {
                t.codec().decode(bytes);
            } catch (DecodeException expected) {
                // typed
            }
        }
    }
}
