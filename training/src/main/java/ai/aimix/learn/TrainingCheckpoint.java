package ai.aimix.learn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What a training run writes after each epoch to resume from: the parameters, Adam's moments and step, the epoch
 * reports so far. Written to a temporary file and moved into place, so a run killed while writing leaves the previous
 * checkpoint. A checkpoint names the run it belongs to (a magic number per trainer, the seed, optionally a line on
 * its setup), and one of another run is refused rather than silently mixed in.
 */
final class TrainingCheckpoint {
    private TrainingCheckpoint() {}

    /** @param setup the run's setup beyond its seed (widths, inputs), or null when a trainer has none to record */
    static void save(
            Path file,
            int magic,
            long seed,
            String setup,
            int nextEpoch,
            float[][] parameters,
            Adam adam,
            List<Trainer.EpochReport> history)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(magic);
            out.writeLong(seed);
            if (setup != null) {
                out.writeUTF(setup);
            }
            out.writeInt(nextEpoch);
            out.writeLong(adam.steps());
            write(out, parameters);
            float[][][] st = adam.state();
            write(out, st[0]);
            write(out, st[1]);
            out.writeInt(history.size());
            for (Trainer.EpochReport r : history) {
                out.writeInt(r.epoch());
                out.writeDouble(r.trainLoss());
                out.writeDouble(r.validationLoss());
                out.writeDouble(r.validationLevelErrorDb());
                out.writeLong(r.steps());
                out.writeDouble(r.seconds());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a checkpoint into {@code parameters}, {@code adam} and {@code history}.
     *
     * @return the epoch to go on with
     * @throws IOException for a file that is not this trainer's checkpoint, or one of another seed or setup
     */
    static int restore(
            Path file,
            int magic,
            long seed,
            String setup,
            float[][] parameters,
            Adam adam,
            List<Trainer.EpochReport> history)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != magic) {
                throw new IOException(file + " is not a checkpoint of this trainer");
            }
            long written = in.readLong();
            String writtenSetup = setup == null ? null : in.readUTF();
            if (written != seed || (setup != null && !setup.equals(writtenSetup))) {
                throw new IOException(file + " was written by a run with seed " + written
                        + (setup == null ? "" : " and " + writtenSetup) + ", not " + seed
                        + (setup == null ? "" : " and " + setup));
            }
            int next = in.readInt();
            long steps = in.readLong();
            read(in, parameters);
            float[][] m = new float[parameters.length][];
            float[][] v = new float[parameters.length][];
            for (int i = 0; i < parameters.length; i++) {
                m[i] = new float[parameters[i].length];
                v[i] = new float[parameters[i].length];
            }
            read(in, m);
            read(in, v);
            adam.restore(new float[][][] {m, v}, steps);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                history.add(new Trainer.EpochReport(
                        in.readInt(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readLong(),
                        in.readDouble()));
            }
            return next;
        }
    }

    private static void write(DataOutputStream out, float[][] arrays) throws IOException {
        for (float[] a : arrays) {
            out.writeInt(a.length);
            for (float v : a) {
                out.writeFloat(v);
            }
        }
    }

    private static void read(DataInputStream in, float[][] arrays) throws IOException {
        for (float[] a : arrays) {
            int n = in.readInt();
            if (n != a.length) {
                throw new IOException("checkpoint tensor of " + n + " values, expected " + a.length);
            }
            for (int i = 0; i < n; i++) {
                a[i] = in.readFloat();
            }
        }
    }
}
