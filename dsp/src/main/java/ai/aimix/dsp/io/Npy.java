package ai.aimix.dsp.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0 of the NEP 1 / numpy.lib.format specification).
 *
 * <p>Reads boolean, integer (8 to 64 bits, signed or not) and float (16, 32, 64 bits) arrays of either byte order,
 * C or Fortran order (Fortran-order arrays are returned in C order). Writes little-endian float16, float32 or
 * float64 in C order, version 1.0 when the header fits (as numpy.save does), with the header padded so the data
 * starts on a 64-byte boundary.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The float types this class writes. */
    public enum Dtype {
        FLOAT16("<f2", 2),
        FLOAT32("<f4", 4),
        FLOAT64("<f8", 8);

        final String descr;
        final int bytes;

        Dtype(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }
    }

    private Npy() {}

    public static NpyArray read(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new NpyFormatException(file + ": not a regular file (a directory, device or pipe)");
        }
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            throw new NpyFormatException(file + ": larger than 2 GiB");
        }
        return read(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
    }

    static NpyArray read(ByteBuffer b, String name) throws NpyFormatException {
        if (b.remaining() < 10) {
            throw new NpyFormatException(name + ": not a .npy file (too short)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw new NpyFormatException(name + ": not a .npy file (no \\x93NUMPY magic)");
            }
        }
        int major = b.get(6) & 0xFF;
        b.order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (b.remaining() < 12) {
                throw new NpyFormatException(name + ": truncated header");
            }
            headerLength = b.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new NpyFormatException(name + ": unsupported .npy version " + major + "." + (b.get(7) & 0xFF));
        }
        if (headerStart + headerLength > b.limit()) {
            throw new NpyFormatException(name + ": truncated header");
        }
        byte[] h = new byte[(int) headerLength];
        b.position(headerStart);
        b.get(h);
        String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new NpyFormatException(name + ": unsupported header (need descr, fortran_order and shape of a plain "
                    + "array): " + preview(header));
        }
        int[] shape = parseShape(shapeMatch.group(1), name);
        String dtype = descr.group(1);
        if (dtype.length() < 3) {
            throw new NpyFormatException(name + ": unsupported dtype '" + preview(dtype) + "'");
        }
        char order = dtype.charAt(0);
        char kind = dtype.charAt(1);
        int width;
        try {
            width = Integer.parseInt(dtype.substring(2));
        } catch (NumberFormatException e) {
            throw new NpyFormatException(name + ": unsupported dtype '" + preview(dtype) + "'");
        }
        boolean supported = (kind == 'f' && (width == 2 || width == 4 || width == 8))
                || ((kind == 'i' || kind == 'u') && (width == 1 || width == 2 || width == 4 || width == 8))
                || (kind == 'b' && width == 1);
        if (!supported || (order != '<' && order != '>' && order != '|' && order != '=')) {
            throw new NpyFormatException(name + ": unsupported dtype '" + preview(dtype) + "' (booleans, integers "
                    + "and float16/32/64 are read)");
        }
        long count = NpyArray.size(shape);
        int dataStart = (int) (headerStart + headerLength);
        if (count > (b.limit() - dataStart) / width) {
            throw new NpyFormatException(name + ": truncated: shape " + preview(Arrays.toString(shape))
                    + " of '" + dtype + "' needs "
                    + (count == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(count))
                    + " values of " + width + " bytes, the file holds " + (b.limit() - dataStart) + " bytes of data");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new NpyFormatException(name + ": too many values (" + count + ")");
        }
        ByteBuffer d = b.duplicate().order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        d.position(dataStart);
        int n = (int) count;
        boolean wide = (kind == 'f' && width == 8) || ((kind == 'i' || kind == 'u') && width >= 4);
        float[] f = wide ? null : new float[n];
        double[] v = wide ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            double x;
            if (kind == 'f') {
                x = width == 2 ? Half.toFloat(d.getShort()) : width == 4 ? d.getFloat() : d.getDouble();
            } else if (kind == 'b') {
                x = d.get() != 0 ? 1 : 0;
            } else if (kind == 'i') {
                x = width == 1 ? d.get() : width == 2 ? d.getShort() : width == 4 ? d.getInt() : d.getLong();
            } else {
                x = width == 1
                        ? d.get() & 0xFF
                        : width == 2
                                ? d.getShort() & 0xFFFF
                                : width == 4 ? d.getInt() & 0xFFFFFFFFL : unsignedLong(d.getLong());
            }
            if (wide) {
                v[i] = x;
            } else {
                f[i] = (float) x;
            }
        }
        if (fortran.group(1).equals("True") && shape.length > 1) {
            if (wide) {
                v = toCOrder(v, shape);
            } else {
                f = toCOrder(f, shape);
            }
        }
        return NpyArray.read(shape, dtype, f, v);
    }

    /** Header text as it may appear in a one-line message: control characters replaced, at most 120 characters. */
    static String preview(String text) {
        String clean = text.strip().replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= MAX_QUOTED
                ? clean
                : clean.substring(0, MAX_QUOTED) + "... (" + clean.length() + " characters)";
    }

    /** Most characters of a header quoted in a message. */
    private static final int MAX_QUOTED = 120;

    private static double unsignedLong(long x) {
        return x >= 0 ? x : (x >>> 1) * 2.0 + (x & 1);
    }

    private static int[] parseShape(String s, String name) throws NpyFormatException {
        String t = s.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int count = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            String q = p.trim();
            if (q.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(q.endsWith("L") ? q.substring(0, q.length() - 1) : q);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                shape[count++] = (int) v;
            } catch (NumberFormatException e) {
                throw new NpyFormatException(name + ": bad shape (" + preview(s) + ")");
            }
        }
        return Arrays.copyOf(shape, count);
    }

    /** Column-major values to row-major. */
    private static int[] strides(int[] shape, boolean cOrder) {
        int[] st = new int[shape.length];
        int acc = 1;
        if (cOrder) {
            for (int i = shape.length - 1; i >= 0; i--) {
                st[i] = acc;
                acc *= shape[i];
            }
        } else {
            for (int i = 0; i < shape.length; i++) {
                st[i] = acc;
                acc *= shape[i];
            }
        }
        return st;
    }

    private static float[] toCOrder(float[] f, int[] shape) {
        float[] out = new float[f.length];
        int[] src = strides(shape, false);
        int[] dst = strides(shape, true);
        int[] idx = new int[shape.length];
        for (int i = 0; i < f.length; i++) {
            out[offset(idx, dst)] = f[offset(idx, src)];
            increment(idx, shape);
        }
        return out;
    }

    private static double[] toCOrder(double[] f, int[] shape) {
        double[] out = new double[f.length];
        int[] src = strides(shape, false);
        int[] dst = strides(shape, true);
        int[] idx = new int[shape.length];
        for (int i = 0; i < f.length; i++) {
            out[offset(idx, dst)] = f[offset(idx, src)];
            increment(idx, shape);
        }
        return out;
    }

    private static int offset(int[] idx, int[] strides) {
        int o = 0;
        for (int i = 0; i < idx.length; i++) {
            o += idx[i] * strides[i];
        }
        return o;
    }

    private static void increment(int[] idx, int[] shape) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < shape[i]) {
                return;
            }
            idx[i] = 0;
        }
    }

    /** Writes the array as float32 (through a temporary file next to it, so readers never see half a file). */
    public static void write(Path file, NpyArray array) throws IOException {
        write(file, array, Dtype.FLOAT32);
    }

    public static void write(Path file, NpyArray array, Dtype dtype) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(out, array, dtype);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void write(OutputStream out, NpyArray array, Dtype dtype) throws IOException {
        out.write(header(array.shape(), dtype));
        ByteBuffer d = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        int n = array.size();
        float[] f = dtype == Dtype.FLOAT64 ? null : array.floats();
        double[] v = dtype == Dtype.FLOAT64 ? array.doubles() : null;
        for (int i = 0; i < n; i++) {
            if (d.remaining() < 8) {
                out.write(d.array(), 0, d.position());
                d.clear();
            }
            switch (dtype) {
                case FLOAT16:
                    d.putShort(Half.fromFloat(f[i]));
                    break;
                case FLOAT32:
                    d.putFloat(f[i]);
                    break;
                default:
                    d.putDouble(v[i]);
            }
        }
        out.write(d.array(), 0, d.position());
    }

    /** The magic, version and header for a C-order array of this shape and dtype. */
    static byte[] header(int[] shape, Dtype dtype) {
        StringBuilder s =
                new StringBuilder("{'descr': '").append(dtype.descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",), }" : "), }");
        int prefix = 10;
        int total = prefix + s.length() + 1;
        boolean v2 = false;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        if (padded - prefix > 0xFFFF) {
            v2 = true;
            prefix = 12;
            total = prefix + s.length() + 1;
            padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        }
        while (s.length() + 1 + prefix < padded) {
            s.append(' ');
        }
        s.append('\n');
        byte[] text = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            b.putInt(text.length);
        } else {
            b.putShort((short) text.length);
        }
        b.put(text);
        return b.array();
    }
}
