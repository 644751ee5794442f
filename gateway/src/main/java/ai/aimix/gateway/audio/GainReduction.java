package ai.aimix.gateway.audio;

/**
 * A processed stem's compressor gain reduction over time, as its render applied it: the most reduction (dB, zero or
 * negative) in each run of {@link #FRAMES} frames, from the compressor's value at the end of each of its blocks (a
 * block counts in the run where it starts).
 */
public final class GainReduction {
    /** Frames per kept value: 1024 (23 ms at 44.1 kHz), fine enough to draw, 31 KB for a 3-minute stem. */
    public static final int FRAMES = 1024;

    private final float[] db;
    private final long frames;

    private GainReduction(float[] db, long frames) {
        this.db = db;
        this.frames = frames;
    }

    /** Collects values block by block as a render goes. */
    static final class Builder {
        private final int blockFrames;
        private final float[] db;
        private final long frames;
        private long at;

        Builder(long frames, int blockFrames) {
            this.blockFrames = blockFrames;
            this.frames = frames;
            this.db = new float[(int) ((frames + FRAMES - 1) / FRAMES)];
        }

        /** The values of the next {@code blocks} compressor blocks. */
        void add(float[] blockDb, int blocks) {
            for (int b = 0; b < blocks; b++, at += blockFrames) {
                int k = (int) (at / FRAMES);
                if (k < db.length) {
                    db[k] = Math.min(db[k], blockDb[b]);
                }
            }
        }

        GainReduction build() {
            return new GainReduction(db, frames);
        }
    }

    /** The most reduction in each of {@code points} equal spans of the stem, rounded to 0.01 dB. */
    public float[] columns(int points) {
        float[] out = new float[points];
        for (int k = 0; k < db.length; k++) {
            int c = (int) Math.min(points - 1, (long) k * FRAMES * points / Math.max(1, frames));
            out[c] = Math.min(out[c], db[k]);
        }
        for (int c = 0; c < points; c++) {
            out[c] = Math.round(out[c] * 100) / 100f;
        }
        return out;
    }
}
