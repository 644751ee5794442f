package ai.aimix.corpus;

/** One MIDI note of a part: start and length in seconds, key number and velocity (1..127). */
public record Note(double start, double length, int key, int velocity) {
    public Note {
        if (key < 0 || key > 127 || velocity < 1 || velocity > 127 || !(length > 0) || !(start >= 0)) {
            throw new IllegalArgumentException("bad note " + start + " " + length + " " + key + " " + velocity);
        }
    }
}
