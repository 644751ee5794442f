package ai.aimix.gateway.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of the audio store, open only while it is used: open from the first write until it is settled (nothing more
 * will be written), and afterwards for each read. A gateway keeps a finished mix's files for the retention time (an
 * hour by default) so that it can be downloaded; keeping each one's descriptor open that long made a gateway under
 * sustained load hold thousands of files open for nothing.
 *
 * <p>Reads and writes are positional, so any number of them can use the channel at once; it is closed when it is
 * settled and the last of them is done.
 */
final class StoreChannel {
    private final Path file;
    private final OpenOption[] options;
    private FileChannel channel;
    private int users;
    private boolean settled;
    private boolean closed;

    /** The file, opened with these options when it is used ({@code CREATE} and {@code TRUNCATE_EXISTING} only once). */
    StoreChannel(Path file, OpenOption... options) {
        this.file = file;
        this.options = options.clone();
    }

    /** A file read only: settled from the start, open only while a read is running. */
    static StoreChannel readOnly(Path file, OpenOption... options) {
        StoreChannel c = new StoreChannel(file, options);
        c.settled = true;
        return c;
    }

    Path file() {
        return file;
    }

    /** Writes all of {@code b} at byte {@code at}. */
    void writeFully(ByteBuffer b, long at) throws IOException {
        FileChannel ch = acquire();
        try {
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
        } finally {
            release();
        }
    }

    /** Reads into {@code b} from byte {@code at} until it is full or the file ends; returns the bytes read. */
    int read(ByteBuffer b, long at) throws IOException {
        FileChannel ch = acquire();
        try {
            int start = b.position();
            while (b.hasRemaining()) {
                int r = ch.read(b, at + b.position() - start);
                if (r <= 0) {
                    break;
                }
            }
            return b.position() - start;
        } finally {
            release();
        }
    }

    /** Opens (and, with {@code CREATE}, creates) the file now; it stays open until settled. */
    void open() throws IOException {
        acquire();
        release();
    }

    /** Nothing more will be written: the file is closed as soon as no read is using it. */
    synchronized void settle() {
        settled = true;
        closeIfIdle();
    }

    /** Whether the file is open now (for tests and the store's own accounting). */
    synchronized boolean isOpen() {
        return channel != null;
    }

    /** Closes the file for good (it is about to be removed): later reads and writes fail. */
    synchronized void close() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
        }
    }

    private synchronized FileChannel acquire() throws IOException {
        if (closed) {
            throw new IOException(file + " has been removed");
        }
        if (channel == null) {
            channel = FileChannel.open(file, options);
            // what created and truncated the file once must not do it again when it is opened later: a file removed
            // from outside is then an error, not a new empty file read as silence
            for (int i = 0; i < options.length; i++) {
                if (options[i] == StandardOpenOption.TRUNCATE_EXISTING || options[i] == StandardOpenOption.CREATE) {
                    options[i] = StandardOpenOption.READ;
                }
            }
        }
        users++;
        return channel;
    }

    private synchronized void release() {
        users--;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (settled && users == 0 && channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing " + file, e);
            }
            channel = null;
        }
    }
}
