package ai.aimix.model.store;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import org.apache.flink.core.fs.BlockLocation;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * A Flink file system for tests, scheme {@code faulty://}, found the way Flink finds its S3 plugin (a
 * {@link FileSystemFactory} service): local files underneath, with faults switched on by {@link #mode}. It shows
 * that the store works through Flink's file system abstraction rather than on local paths, and what it does when
 * the storage misbehaves.
 */
public final class FaultyFileSystem extends FileSystem {
    public enum Mode {
        /** Behaves. */
        OK,
        /** Flips a byte of every written file (silent corruption on the way to storage). */
        CORRUPT_WRITES,
        /** Throws after half of a file is written (a crash or a lost connection mid-upload). */
        FAIL_MIDWAY,
        /** Refuses every rename. */
        FAIL_RENAMES
    }

    public static volatile Mode mode = Mode.OK;

    private final LocalFileSystem local = new LocalFileSystem();

    /** Registered in META-INF/services/org.apache.flink.core.fs.FileSystemFactory. */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return "faulty";
        }

        @Override
        public FileSystem create(URI uri) {
            return new FaultyFileSystem();
        }
    }

    private static Path local(Path p) {
        return new Path("file", null, p.toUri().getPath());
    }

    @Override
    public Path getWorkingDirectory() {
        return local.getWorkingDirectory();
    }

    @Override
    public Path getHomeDirectory() {
        return local.getHomeDirectory();
    }

    @Override
    public URI getUri() {
        return URI.create("faulty:///");
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return local.getFileStatus(local(f));
    }

    @Override
    public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) throws IOException {
        return local.getFileBlockLocations(file, start, len);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        return local.open(local(f), bufferSize);
    }

    @Override
    public FSDataInputStream open(Path f) throws IOException {
        return local.open(local(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        return local.listStatus(local(f));
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        return local.delete(local(f), recursive);
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        return local.mkdirs(local(f));
    }

    @Override
    public FSDataOutputStream create(Path f, WriteMode overwrite) throws IOException {
        FSDataOutputStream out = local.create(local(f), overwrite);
        Mode m = mode;
        if (m == Mode.OK || m == Mode.FAIL_RENAMES) {
            return out;
        }
        return new FSDataOutputStream() {
            private long pos;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] copy = Arrays.copyOfRange(b, off, off + len);
                if (m == Mode.FAIL_MIDWAY) {
                    int keep = (int) Math.max(0, Math.min(len, len / 2 - pos));
                    out.write(copy, 0, keep);
                    throw new IOException("connection reset (injected) after " + (pos + keep) + " bytes");
                }
                if (pos == 0 && len > 0) {
                    copy[len / 2] ^= 0x20;
                }
                out.write(copy, 0, len);
                pos += len;
            }

            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void sync() throws IOException {
                out.sync();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        if (mode == Mode.FAIL_RENAMES) {
            return false;
        }
        return local.rename(local(src), local(dst));
    }

    @Override
    public boolean isDistributedFS() {
        return true;
    }
}
