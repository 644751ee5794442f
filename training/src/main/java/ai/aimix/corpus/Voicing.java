package ai.aimix.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Which sound bank plays each stem of a song, and which songs are kept out of training as the "unseen" split.
 *
 * <p>Timbral variety: with several banks ({@link MidiSynth#bankNames()}), each stem of a song draws its bank from the
 * seed and its part's position, so one song mixes instruments of several banks, as a real session mixes sources.
 *
 * <p>The unseen split: songs of {@link #unseenGenre()} are {@link Split#UNSEEN} — never trained or validated on — and,
 * when an {@link #unseenBank()} is named, every stem of theirs is played by it and no other song uses it: a genre and
 * a bank the model never heard, reported on separately. Without an unseen genre every song keeps its split by seed,
 * and with one bank every stem uses it: the corpus of a single bank is the corpus as it always was.
 */
public final class Voicing {
    private final List<String> banks;
    private final Genre unseenGenre;
    private final String unseenBank;
    /** The banks songs outside the unseen split draw from. */
    private final List<String> seen;

    /**
     * @param banks       the synthesizer's banks, by name
     * @param unseenGenre the genre of the unseen split, or null for none
     * @param unseenBank  the bank only the unseen split plays, or null (then it draws from every bank)
     * @throws IllegalArgumentException (one line) for an unseen bank that is not one of the banks, the only one, or
     *                                  given without an unseen genre
     */
    public Voicing(List<String> banks, Genre unseenGenre, String unseenBank) {
        if (banks.isEmpty()) {
            throw new IllegalArgumentException("no sound bank to play the stems");
        }
        if (unseenBank != null) {
            if (unseenGenre == null) {
                throw new IllegalArgumentException(
                        "an unseen sound bank (" + unseenBank + ") needs an unseen genre: " + "the songs it plays");
            }
            if (!banks.contains(unseenBank)) {
                throw new IllegalArgumentException(
                        "the unseen sound bank " + unseenBank + " is not one of " + String.join(", ", banks));
            }
            if (banks.size() < 2) {
                throw new IllegalArgumentException(
                        "the unseen sound bank " + unseenBank + " is the only one: training would have none left");
            }
        }
        this.banks = List.copyOf(banks);
        this.unseenGenre = unseenGenre;
        this.unseenBank = unseenBank;
        List<String> s = new ArrayList<>(banks);
        s.remove(unseenBank);
        this.seen = List.copyOf(s);
    }

    /** Every bank of the synthesizer for every song; no unseen split. */
    public static Voicing of(MidiSynth synth) {
        return new Voicing(synth.bankNames(), null, null);
    }

    public List<String> banks() {
        return banks;
    }

    /** The genre of the unseen split, or null. */
    public Genre unseenGenre() {
        return unseenGenre;
    }

    /** The bank only the unseen split plays, or null. */
    public String unseenBank() {
        return unseenBank;
    }

    /** The song's split: {@link Split#UNSEEN} for the unseen genre, else by its seed ({@link Split#of}). */
    public Split split(Composer.Song song) {
        return song.genre() == unseenGenre ? Split.UNSEEN : Split.of(song.seed());
    }

    /** The bank that plays part {@code part} of the song. */
    public String bank(Composer.Song song, int part) {
        if (unseenBank != null && song.genre() == unseenGenre) {
            return unseenBank;
        }
        if (seen.size() == 1) {
            return seen.get(0);
        }
        long mix = song.seed() * 0x9E3779B97F4A7C15L + (part + 1) * 0xBF58476D1CE4E5B9L;
        return seen.get(new SplittableRandom(mix).nextInt(seen.size()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Voicing v
                && banks.equals(v.banks)
                && unseenGenre == v.unseenGenre
                && Objects.equals(unseenBank, v.unseenBank);
    }

    @Override
    public int hashCode() {
        return Objects.hash(banks, unseenGenre, unseenBank);
    }
}
