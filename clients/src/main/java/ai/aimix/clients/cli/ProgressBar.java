package ai.aimix.clients.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal (redrawn with carriage returns); when the stream is not a terminal it
 * prints a plain line at every 10 % instead, so logs stay readable.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final boolean terminal;
    private int lastDecile = -1;
    private String lastLine = "";

    public ProgressBar(PrintStream out, String label, boolean terminal) {
        this.out = out;
        this.label = label;
        this.terminal = terminal;
    }

    public static ProgressBar onStderr(String label) {
        return new ProgressBar(System.err, label, System.console() != null);
    }

    /** @param fraction 0..1, or negative when the total is unknown */
    public synchronized void update(double fraction, String detail) {
        if (terminal) {
            StringBuilder b = new StringBuilder("\r").append(label).append(" [");
            int filled = fraction < 0 ? 0 : (int) Math.round(Math.min(1, fraction) * WIDTH);
            for (int i = 0; i < WIDTH; i++) {
                b.append(i < filled ? '#' : '.');
            }
            b.append("] ");
            b.append(fraction < 0 ? "  ?%" : String.format("%3d%%", (int) Math.round(Math.min(1, fraction) * 100)));
            b.append(' ').append(detail);
            String line = b.toString();
            int pad = Math.max(0, lastLine.length() - line.length());
            out.print(line + " ".repeat(pad));
            out.flush();
            lastLine = line;
        } else {
            int decile = fraction < 0 ? 0 : (int) Math.floor(Math.min(1, fraction) * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(label + " " + (fraction < 0 ? "?" : (decile * 10) + "%") + " " + detail);
            }
        }
    }

    public synchronized void done(String detail) {
        update(1.0, detail);
        if (terminal) {
            out.println();
        }
    }
}
