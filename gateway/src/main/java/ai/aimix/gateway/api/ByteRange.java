package ai.aimix.gateway.api;

/** A request's {@code Range} header (RFC 9110, one byte range; several ranges are served as the whole file). */
public final class ByteRange {
    /** A range that lies wholly outside the resource: 416. */
    public static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {}

    /**
     * @return null for the whole resource (no header, several ranges, or a header this parser does not read), {@link
     *         #UNSATISFIABLE}, or {first, last} (inclusive, clipped to the resource)
     */
    public static long[] parse(String header, long length) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return UNSATISFIABLE;
                }
                return new long[] {Math.max(0, length - suffix), length - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? length - 1 : Long.parseLong(b);
            if (first >= length) {
                return UNSATISFIABLE;
            }
            if (first < 0 || last < first) {
                return null;
            }
            return new long[] {first, Math.min(last, length - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
