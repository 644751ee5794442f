package ai.aimix.model.runtime;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.mixnet2.MixNet2Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One batch for the mixnet: rows are stems, all with the same number of log-mel frames. Mel values are
 * written straight into a direct native-order buffer that ONNX Runtime reads without copying.
 */
public final class MixNetBatch {
    private final int capacity;
    private final int frames;
    private final FloatBuffer mel;
    private final int[] roles;
    private final int[] groups;
    private final FloatBuffer descriptors;
    private int rows;
    private int described;

    public MixNetBatch(int capacity, int frames) {
        if (frames < MixNetArchitecture.MIN_FRAMES) {
            throw new IllegalArgumentException("frames " + frames + " < " + MixNetArchitecture.MIN_FRAMES);
        }
        this.capacity = capacity;
        this.frames = frames;
        this.mel = ByteBuffer.allocateDirect(capacity * MixNetArchitecture.MEL_BANDS * frames * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.roles = new int[capacity];
        this.groups = new int[capacity];
        this.descriptors = ByteBuffer.allocateDirect(capacity * MixNet2Shape.DESCRIPTORS * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /**
     * Adds a stem with its segment's descriptors ({@link MixNet2Shape#DESCRIPTORS} values, dsp StemDescriptors'
     * order), for models that take them.
     */
    public void add(float[] bandMajorMel, float[] stemDescriptors, int role, int group) {
        add(FloatBuffer.wrap(bandMajorMel), stemDescriptors, role, group);
    }

    public void add(FloatBuffer bandMajorMel, float[] stemDescriptors, int role, int group) {
        if (stemDescriptors.length != MixNet2Shape.DESCRIPTORS) {
            throw new IllegalArgumentException(
                    "expected " + MixNet2Shape.DESCRIPTORS + " descriptors, got " + stemDescriptors.length);
        }
        add(bandMajorMel, role, group);
        descriptors.position((rows - 1) * MixNet2Shape.DESCRIPTORS);
        descriptors.put(stemDescriptors);
        described++;
    }

    /** A row's descriptors (a copy), or null when the batch has none. */
    public float[] descriptorRow(int row) {
        if (!hasDescriptors()) {
            return null;
        }
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        float[] d = new float[MixNet2Shape.DESCRIPTORS];
        descriptors.duplicate().position(row * MixNet2Shape.DESCRIPTORS).get(d);
        return d;
    }

    /** Rows that came with their descriptors. */
    public int describedRows() {
        return described;
    }

    /** Whether every row came with its descriptors. */
    public boolean hasDescriptors() {
        return rows > 0 && described == rows;
    }

    FloatBuffer descriptorBuffer() {
        FloatBuffer b = descriptors.duplicate();
        b.position(0);
        b.limit(rows * MixNet2Shape.DESCRIPTORS);
        return b.slice();
    }

    /** Adds a stem: {@code bandMajorMel} holds MEL_BANDS x frames floats, row-major by band. */
    public void add(FloatBuffer bandMajorMel, int role, int group) {
        if (rows == capacity) {
            throw new IllegalStateException("batch full");
        }
        if (bandMajorMel.remaining() != MixNetArchitecture.MEL_BANDS * frames) {
            throw new IllegalArgumentException("expected " + MixNetArchitecture.MEL_BANDS * frames + " mel values, got "
                    + bandMajorMel.remaining());
        }
        mel.position(rows * MixNetArchitecture.MEL_BANDS * frames);
        mel.put(bandMajorMel.duplicate());
        roles[rows] = role;
        groups[rows] = group;
        rows++;
    }

    public void add(float[] bandMajorMel, int role, int group) {
        add(FloatBuffer.wrap(bandMajorMel), role, group);
    }

    public int rows() {
        return rows;
    }

    public int frames() {
        return frames;
    }

    FloatBuffer melBuffer() {
        FloatBuffer b = mel.duplicate();
        b.position(0);
        b.limit(rows * MixNetArchitecture.MEL_BANDS * frames);
        return b.slice();
    }

    /** One row's band-major log-mel (a read-only view). */
    public FloatBuffer melRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        int size = MixNetArchitecture.MEL_BANDS * frames;
        FloatBuffer b = mel.duplicate();
        b.limit((row + 1) * size);
        b.position(row * size);
        return b.slice().asReadOnlyBuffer();
    }

    /** A row's stem role (StemRole ordinal). */
    public int role(int row) {
        return roles[row];
    }

    int group(int row) {
        return groups[row];
    }
}
