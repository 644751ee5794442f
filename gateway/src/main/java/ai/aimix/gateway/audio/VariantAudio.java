package ai.aimix.gateway.audio;

import ai.aimix.clients.audio.Wav;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mixed audio of one variant of a mix, as it arrives from mix.output: interleaved stereo float32 in a file,
 * written at each chunk's start frame (so a chunk seen twice lands in the same place), readable while it grows.
 */
public final class VariantAudio implements AutoCloseable {
    public static final int CHANNELS = 2;
    /** Bytes per frame in the file. */
    static final int FRAME_BYTES = CHANNELS * Float.BYTES;

    private final Path file;
    private final Path opusFile;
    private final StoreChannel channel;
    /** Guards the Opus preview, made once (apart from this object's lock: encoding takes seconds). */
    private final Object opusLock = new Object();

    private FileDownload opus;
    private int sampleRate;
    private long frames;
    private long nextSequence;
    private boolean complete;
    private String problem;
    /** A processed stem's compressor gain reduction over time; null for a mix or a render. */
    volatile GainReduction gainReduction;

    /** A processed stem's compressor gain reduction over time, as rendered; null for other audio. */
    public GainReduction gainReduction() {
        return gainReduction;
    }

    /** Audio rendered whole into {@code file} (a processed stem): complete from the start. */
    static VariantAudio rendered(Path file, int sampleRate) throws IOException {
        VariantAudio a = new VariantAudio(file, StoreChannel.readOnly(file, StandardOpenOption.READ));
        a.sampleRate = sampleRate;
        a.frames = Files.size(file) / FRAME_BYTES;
        a.complete = true;
        return a;
    }

    /** Audio that arrives chunk by chunk into {@code file}: open until its last chunk, then only while read. */
    VariantAudio(Path file) throws IOException {
        this(
                file,
                new StoreChannel(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
        channel.open();
    }

    private VariantAudio(Path file, StoreChannel channel) {
        this.file = file;
        this.opusFile = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.f32$", "") + ".opus");
        this.channel = channel;
    }

    /** Takes in the next chunk; a chunk out of sequence marks the audio as broken (never silently patched). */
    public synchronized void append(MixOutputChunk c) {
        if (c.getSequence() < nextSequence) {
            return; // seen before
        }
        if (c.getSequence() > nextSequence || c.getChannels() != CHANNELS) {
            problem = "chunk " + c.getSequence() + " came while " + nextSequence + " was awaited";
            return;
        }
        sampleRate = c.getSampleRate();
        int samples = c.getData().remaining() / Pcm.bytesPerSample(c.getEncoding());
        ByteBuffer bytes;
        if (c.getEncoding() == SampleEncoding.PCM_F32LE) {
            bytes = c.getData().duplicate();
        } else {
            bytes = ByteBuffer.allocate(samples * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(Pcm.decode(c.getData(), c.getEncoding()));
        }
        try {
            channel.writeFully(bytes, c.getStartFrame() * FRAME_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        frames = Math.max(frames, c.getStartFrame() + samples / CHANNELS);
        nextSequence = c.getSequence() + 1;
        complete = c.getLast();
        if (complete) {
            channel.settle();
        }
    }

    /** Nothing more will be written (the mix ended): the file is open only while it is read. */
    void settle() {
        channel.settle();
    }

    /** Whether the file is open now. */
    boolean isOpen() {
        return channel.isOpen();
    }

    public synchronized long frames() {
        return frames;
    }

    public synchronized int sampleRate() {
        return sampleRate;
    }

    /** The last chunk has arrived. */
    public synchronized boolean complete() {
        return complete;
    }

    /** Why the audio cannot be trusted, or null. */
    public synchronized String problem() {
        return problem;
    }

    /** Waveforms of the complete audio, by number of points: each computed once (the few most recent kept). */
    private final Map<Integer, float[]> waveforms = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
            return size() > MAX_WAVEFORMS;
        }
    };

    /** Waveforms kept per variant. */
    static final int MAX_WAVEFORMS = 8;

    /** The waveform of {@code points} points ({@link Waveform#of}), computed once the audio is complete. */
    public float[] waveform(int points) throws IOException {
        // under its own lock: reading the whole file takes a while, and must not hold up appends or downloads
        synchronized (waveforms) {
            float[] w = waveforms.get(points);
            if (w == null) {
                boolean done = complete(); // before reading: what is read then is all of it
                w = Waveform.of(this, points);
                if (done) {
                    waveforms.put(points, w);
                }
            }
            return w;
        }
    }

    /** The integrated loudness (BS.1770, LUFS; -Infinity for silence), measured once the audio is complete. */
    public double integratedLufs() throws IOException {
        synchronized (waveforms) {
            if (Double.isNaN(lufs)) {
                boolean done = complete();
                LoudnessMeter meter = new LoudnessMeter(sampleRate(), CHANNELS);
                float[] block = new float[LOUDNESS_BLOCK_FRAMES * CHANNELS];
                long total = frames();
                for (long f = 0; f < total; f += LOUDNESS_BLOCK_FRAMES) {
                    int n = (int) Math.min(LOUDNESS_BLOCK_FRAMES, total - f);
                    read(f * CHANNELS, block, n * CHANNELS);
                    meter.pushInterleaved(block, 0, n);
                }
                double measured = meter.integratedLufs();
                if (!done) {
                    return measured;
                }
                lufs = measured;
            }
            return lufs;
        }
    }

    /** Frames measured at a time by {@link #integratedLufs()}. */
    static final int LOUDNESS_BLOCK_FRAMES = 65536;

    private double lufs = Double.NaN;

    /** The complete audio as a 24-bit WAV file. */
    public Download wav() {
        return new WavDownload(this, Wav.Encoding.PCM_24);
    }

    /** The complete audio as a 32-bit float WAV file: the stored samples exactly. */
    public Download wavFloat() {
        return new WavDownload(this, Wav.Encoding.FLOAT_32);
    }

    /**
     * The complete audio as an Ogg Opus preview ({@link OpusPreview}), encoded on the first request and kept while
     * the mix is; requests meanwhile wait for that one encoding.
     */
    public Download opus() throws IOException {
        synchronized (opusLock) {
            if (opus == null) {
                OpusPreview.encode(this, opusFile);
                opus = new FileDownload(opusFile, Files.size(opusFile), "audio/ogg; codecs=opus", "opus");
            }
            return opus;
        }
    }

    /** Reads {@code n} interleaved samples from sample {@code from} into {@code out}; returns how many were read. */
    public int read(long from, float[] out, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(b, from * Float.BYTES);
        b.flip();
        int got = b.remaining() / Float.BYTES;
        b.asFloatBuffer().get(out, 0, got);
        return got;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(opusFile);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + file, e);
        }
    }
}
