package ai.aimix.schema.codec;

import java.time.Duration;

/**
 * The limits every party of the streaming contract applies (docs/STREAMING_CONTRACT.md): the codecs on any bytes
 * they decode, the mix job on requests and chunks (its options default to these values), and the command-line
 * client before it sends anything, so that a file the job would refuse is refused on the user's machine first.
 */
public final class ContractLimits {
    /** Lowest sample rate a mix may have, Hz. */
    public static final int MIN_SAMPLE_RATE = 8000;
    /** Highest sample rate a mix may have, Hz. */
    public static final int MAX_SAMPLE_RATE = 192000;
    /** Most stems a request may have, unless the job is configured otherwise. */
    public static final int DEFAULT_MAX_STEMS = 32;
    /** Longest track accepted, seconds, unless the job is configured otherwise. */
    public static final int DEFAULT_MAX_TRACK_SECONDS = 1200;
    /** {@link #DEFAULT_MAX_TRACK_SECONDS} as a duration. */
    public static final Duration DEFAULT_MAX_TRACK = Duration.ofSeconds(DEFAULT_MAX_TRACK_SECONDS);
    /** Longest id (mix, battle, voter, league) in characters; ids are never blank and hold no control characters. */
    public static final int MAX_ID_LENGTH = 200;
    /** Shortest and longest upload token, characters (printable ASCII). */
    public static final int MIN_TOKEN_LENGTH = 16;

    public static final int MAX_TOKEN_LENGTH = 128;
    /** Deepest nesting of records, unions, arrays and maps in a datum (the contract's schemas use fewer than 10). */
    static final int MAX_NESTING = 32;
    /** Collection items every record may hold regardless of its size. */
    static final int BASE_ITEMS = 4096;

    private ContractLimits() {}

    /**
     * The most array and map items, all collections together, a datum of {@code bytes} bytes may hold: 4,096 plus
     * one per four bytes. The contract's records hold far fewer (a result's automation item alone takes 28 bytes),
     * and the cap keeps a record of tiny items from decoding into a heap dozens of times its size.
     */
    static long itemBudget(int bytes) {
        return BASE_ITEMS + bytes / 4;
    }

    /** Null when {@code id} is a usable id, else why not (one line, without echoing a long id). */
    public static String checkId(String what, String id) {
        if (id == null || id.isEmpty()) {
            return what + " is empty";
        }
        if (id.length() > MAX_ID_LENGTH) {
            return what + " has " + id.length() + " characters; at most " + MAX_ID_LENGTH;
        }
        if (id.isBlank()) {
            return what + " is blank";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return what + " contains a control character at position " + i;
            }
        }
        return null;
    }

    /** Null when {@code token} is a usable upload token, else why not (never echoing the token). */
    public static String checkToken(String token) {
        if (token == null) {
            return "no upload token";
        }
        if (token.length() < MIN_TOKEN_LENGTH || token.length() > MAX_TOKEN_LENGTH) {
            return "the upload token has " + token.length() + " characters; " + MIN_TOKEN_LENGTH + ".."
                    + MAX_TOKEN_LENGTH + " are needed";
        }
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            if (ch < 0x21 || ch > 0x7E) {
                return "the upload token holds a character outside printable ASCII at position " + i;
            }
        }
        return null;
    }

    /** An id as it may appear in a message: at most 64 characters, control characters replaced. */
    public static String preview(String id) {
        return excerpt(id, 64);
    }

    /**
     * Any text from outside as it may appear in a one-line message: at most {@code maxChars} characters (then how
     * long it was), control characters (line breaks among them) replaced by '?'.
     */
    public static String excerpt(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        int n = Math.min(text.length(), maxChars);
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            b.append(Character.isISOControl(ch) ? '?' : ch);
        }
        if (text.length() > n) {
            b.append("... (").append(text.length()).append(" characters)");
        }
        return b.toString();
    }

    /** Null when the service takes audio at {@code rate} Hz, else why not (read as unsigned, as WAV headers are). */
    public static String checkSampleRate(int rate) {
        if (rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE) {
            return null;
        }
        return Integer.toUnsignedString(rate) + " Hz; the service takes " + MIN_SAMPLE_RATE + " to " + MAX_SAMPLE_RATE
                + " Hz";
    }
}
