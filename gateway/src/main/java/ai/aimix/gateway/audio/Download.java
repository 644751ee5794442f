package ai.aimix.gateway.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** An audio file served whole or by byte range: {@link #length()} bytes, of which {@link #write} writes a range. */
public interface Download {
    /** Bytes of the whole file. */
    long length();

    /** Writes bytes {@code from}..{@code to} (inclusive) of the file. */
    void write(OutputStream out, long from, long to) throws IOException;

    /** The file's media type. */
    String contentType();

    /** The file name's extension, without the dot. */
    String extension();

    /** A finished file, served as it is. */
    static Download file(Path file, String contentType, String extension) throws IOException {
        return new FileDownload(file, Files.size(file), contentType, extension);
    }
}
