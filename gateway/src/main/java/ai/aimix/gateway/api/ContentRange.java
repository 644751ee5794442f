package ai.aimix.gateway.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range: bytes first-last/total} of a piece of an upload (RFC 9110 §14.4): which bytes of the
 * whole file the body holds. The total must be known (the studio knows each file's size).
 */
public record ContentRange(long first, long last, long total) {
    private static final Pattern FORM = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

    /** The header's range; refused (400 INVALID_CONTENT_RANGE) when it is not one. */
    public static ContentRange parse(String header) {
        Matcher m = FORM.matcher(header.trim());
        if (!m.matches()) {
            throw new ApiException(
                    ApiError.INVALID_CONTENT_RANGE,
                    "Content-Range '" + header + "': expected 'bytes first-last/total' (the total known)");
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        if (first > last || last >= total) {
            throw new ApiException(
                    ApiError.INVALID_CONTENT_RANGE, "Content-Range '" + header + "': needs first <= last < total");
        }
        return new ContentRange(first, last, total);
    }

    /** Bytes in the piece. */
    public long length() {
        return last - first + 1;
    }

    /** Whether the piece ends the file. */
    public boolean ends() {
        return last == total - 1;
    }
}
