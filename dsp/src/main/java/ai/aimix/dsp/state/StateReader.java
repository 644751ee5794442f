package ai.aimix.dsp.state;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Reads what {@link StateWriter} wrote, in the same order. */
public final class StateReader {
    private final DataInputStream in;

    public StateReader(byte[] bytes) {
        this.in = new DataInputStream(new ByteArrayInputStream(bytes));
    }

    public StateReader(ByteBuffer buffer) {
        this(toArray(buffer));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    public int readInt() {
        try {
            return in.readInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long readLong() {
        try {
            return in.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean readBoolean() {
        try {
            return in.readBoolean();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public float readFloat() {
        try {
            return in.readFloat();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public double readDouble() {
        try {
            return in.readDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public float[] readFloats() {
        int n = readInt();
        float[] v = new float[n];
        ByteBuffer.wrap(readRaw(n * 4)).asFloatBuffer().get(v);
        return v;
    }

    private byte[] readRaw(int bytes) {
        try {
            return in.readNBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a length-prefixed array into {@code into} (which must be large enough); returns the length. */
    public int readFloatsInto(float[] into) {
        int n = readInt();
        if (n > into.length) {
            throw new IllegalStateException("state holds " + n + " values, room for " + into.length);
        }
        ByteBuffer.wrap(readRaw(n * 4)).asFloatBuffer().get(into, 0, n);
        return n;
    }

    public double[] readDoubles() {
        int n = readInt();
        double[] v = new double[n];
        ByteBuffer.wrap(readRaw(n * 8)).asDoubleBuffer().get(v);
        return v;
    }
}
