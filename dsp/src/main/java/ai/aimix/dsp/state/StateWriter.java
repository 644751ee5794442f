package ai.aimix.dsp.state;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Writes DSP state (filter memories, envelopes, delay lines) to bytes, for Flink keyed state. */
public final class StateWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public StateWriter writeInt(int v) {
        try {
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter writeLong(long v) {
        try {
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter writeBoolean(boolean v) {
        try {
            out.writeBoolean(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter writeFloat(float v) {
        try {
            out.writeFloat(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter writeDouble(double v) {
        try {
            out.writeDouble(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Length-prefixed, big-endian like the rest. */
    public StateWriter writeFloats(float[] v, int count) {
        writeInt(count);
        ByteBuffer b = ByteBuffer.allocate(count * 4);
        b.asFloatBuffer().put(v, 0, count);
        return writeRaw(b.array());
    }

    public StateWriter writeFloats(float[] v) {
        return writeFloats(v, v.length);
    }

    /** Length-prefixed, big-endian like the rest. */
    public StateWriter writeDoubles(double[] v, int count) {
        writeInt(count);
        ByteBuffer b = ByteBuffer.allocate(count * 8);
        b.asDoubleBuffer().put(v, 0, count);
        return writeRaw(b.array());
    }

    private StateWriter writeRaw(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter writeDoubles(double[] v) {
        return writeDoubles(v, v.length);
    }

    public byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
