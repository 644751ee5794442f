package ai.aimix.gateway.wav;

/**
 * What a WAV body declares before its audio.
 *
 * @param floatingPoint IEEE float samples (else integer PCM)
 * @param bits          bits per sample
 * @param blockAlign    bytes per frame
 * @param dataLength    bytes of audio declared, {@link WavStream#UNKNOWN_LENGTH} when the writer did not know it
 */
public record WavHeader(
        boolean floatingPoint, int bits, int channels, int sampleRate, int blockAlign, long dataLength) {

    /** Frames declared, or -1 when the length is unknown. */
    public long frames() {
        return dataLength == WavStream.UNKNOWN_LENGTH ? -1 : dataLength / blockAlign;
    }
}
