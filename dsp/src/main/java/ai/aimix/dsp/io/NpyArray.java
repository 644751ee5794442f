package ai.aimix.dsp.io;

import java.util.Arrays;

/**
 * An n-dimensional array as NumPy stores it: a shape and C-order (row-major) values. Values are held as float
 * (for float16/float32 and integer dtypes up to 16 bits) or as double (float64 and wider integers), with the
 * dtype the file declared.
 */
public final class NpyArray {
    private final int[] shape;
    private final String dtype;
    private final float[] floats;
    private final double[] doubles;

    private NpyArray(int[] shape, String dtype, float[] floats, double[] doubles) {
        long n = size(shape);
        long have = floats != null ? floats.length : doubles.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + have);
        }
        this.shape = shape.clone();
        this.dtype = dtype;
        this.floats = floats;
        this.doubles = doubles;
    }

    public static NpyArray ofFloats(float[] values, int... shape) {
        return new NpyArray(shape, "<f4", values, null);
    }

    public static NpyArray ofDoubles(double[] values, int... shape) {
        return new NpyArray(shape, "<f8", null, values);
    }

    static NpyArray read(int[] shape, String dtype, float[] floats, double[] doubles) {
        return new NpyArray(shape, dtype, floats, doubles);
    }

    /** A 2-D float32 array from rows of equal length. */
    public static NpyArray ofRows(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] v = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, row 0 " + cols);
            }
            System.arraycopy(rows[r], 0, v, r * cols, cols);
        }
        return ofFloats(v, rows.length, cols);
    }

    /** The number of values of a shape; Long.MAX_VALUE when it does not fit a long (found by NpyFuzzTest). */
    static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    /** The dtype the array was read with or will be written as by default, e.g. {@code <f4}. */
    public String dtype() {
        return dtype;
    }

    public int size() {
        return floats != null ? floats.length : doubles.length;
    }

    /** The values as float (narrowing float64 values). */
    public float[] floats() {
        if (floats != null) {
            return floats;
        }
        float[] f = new float[doubles.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) doubles[i];
        }
        return f;
    }

    /** The values as double. */
    public double[] doubles() {
        if (doubles != null) {
            return doubles;
        }
        double[] d = new double[floats.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = floats[i];
        }
        return d;
    }

    /** A 2-D array's rows. */
    public float[][] rows() {
        if (shape.length != 2) {
            throw new IllegalStateException("not a 2-D array: shape " + Arrays.toString(shape));
        }
        float[] v = floats();
        float[][] out = new float[shape[0]][shape[1]];
        for (int r = 0; r < shape[0]; r++) {
            System.arraycopy(v, r * shape[1], out[r], 0, shape[1]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " " + dtype;
    }
}
