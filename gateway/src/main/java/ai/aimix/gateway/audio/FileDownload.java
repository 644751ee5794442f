package ai.aimix.gateway.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A finished file of the store, served as it is (the Opus preview). */
final class FileDownload implements Download {
    private final Path file;
    private final long length;
    private final String contentType;
    private final String extension;

    FileDownload(Path file, long length, String contentType, String extension) {
        this.file = file;
        this.length = length;
        this.contentType = contentType;
        this.extension = extension;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void write(OutputStream out, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = from;
            var sink = Channels.newChannel(out);
            while (pos <= to) {
                long sent = ch.transferTo(pos, to - pos + 1, sink);
                if (sent <= 0) {
                    throw new IOException(file + " ended at byte " + pos);
                }
                pos += sent;
            }
        }
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public String extension() {
        return extension;
    }
}
