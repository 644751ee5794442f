package ai.aimix.dsp.state;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    /** Length-prefixed. */
    public StateWriter writeFloats(float[] v, int count) {
        writeInt(count);
        for (int i = 0; i < count; i++) {
            writeFloat(v[i]);
        }
        return this;
    }

    public StateWriter writeFloats(float[] v) {
        return writeFloats(v, v.length);
    }

    /** Length-prefixed. */
    public StateWriter writeDoubles(double[] v, int count) {
        writeInt(count);
        for (int i = 0; i < count; i++) {
            writeDouble(v[i]);
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
