package ai.aimix.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.mix.RenderSettings;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Soundbank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Banks per stem and the unseen split: a genre and a bank no training song has. */
class VoicingTest {
    static final List<String> BANKS = List.of(MidiSynth.BUILTIN, "a.sf2", "b.sf2");

    @Test
    void theUnseenGenreIsItsOwnSplitPlayedOnlyByTheUnseenBank() {
        Voicing v = new Voicing(BANKS, Genre.FUNK, "b.sf2");
        Composer composer = new Composer(6);
        Map<Split, Integer> splits = new EnumMap<>(Split.class);
        Set<String> seenBanks = new HashSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            Composer.Song song = composer.compose(seed);
            Split split = v.split(song);
            splits.merge(split, 1, Integer::sum);
            for (int part = 0; part < song.parts().size(); part++) {
                String bank = v.bank(song, part);
                assertEquals(bank, v.bank(song, part), "the same bank every time");
                if (song.genre() == Genre.FUNK) {
                    assertEquals(Split.UNSEEN, split);
                    assertEquals("b.sf2", bank);
                } else {
                    assertEquals(Split.of(seed), split, "other songs keep their split by seed");
                    assertNotEquals("b.sf2", bank, "no other song hears the unseen bank");
                    seenBanks.add(bank);
                }
            }
        }
        assertEquals(Set.of(MidiSynth.BUILTIN, "a.sf2"), seenBanks, "a song's stems draw from the other banks");
        // six genres: about a sixth of the songs are unseen
        assertTrue(splits.get(Split.UNSEEN) > 15 && splits.get(Split.UNSEEN) < 55, splits.toString());
        assertTrue(splits.get(Split.TRAIN) > 100, splits.toString());
    }

    @Test
    void oneBankAndNoUnseenGenreIsTheCorpusAsBefore() {
        Voicing v = new Voicing(List.of(MidiSynth.BUILTIN), null, null);
        Composer composer = new Composer(6);
        for (long seed = 1; seed <= 50; seed++) {
            Composer.Song song = composer.compose(seed);
            assertEquals(Split.of(seed), v.split(song));
            assertEquals(MidiSynth.BUILTIN, v.bank(song, 0));
        }
    }

    @Test
    void anUnseenBankMustBeOneOfSeveralAndComeWithAGenre() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Voicing(BANKS, null, "b.sf2"))
                .getMessage()
                .contains("needs an unseen genre"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Voicing(BANKS, Genre.POP, "c.sf2"))
                .getMessage()
                .contains("is not one of"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Voicing(List.of("b.sf2"), Genre.POP, "b.sf2"))
                .getMessage()
                .contains("the only one"));
    }

    /**
     * A synthesizer of two banks: the JDK's built-in set, and the same set saved as an .sf2 file and read back. A
     * part played by the file's bank sounds as the built-in one does; a corpus song records which bank played each
     * stem, and those of its unseen genre are in the unseen split.
     */
    @Test
    void stemsArePlayedByTheirOwnBank(@TempDir Path dir) throws Exception {
        Soundbank builtin = MidiSystem.getSynthesizer().getDefaultSoundbank();
        File copy = dir.resolve("copy.sf2").toFile();
        builtin.getClass().getMethod("save", File.class).invoke(builtin, copy);
        MidiSynth synth = MidiSynth.ofBanks(44100, Arrays.asList(null, copy.toPath()));
        assertEquals(List.of(MidiSynth.BUILTIN, "copy.sf2"), synth.bankNames());
        assertEquals(MidiSynth.BUILTIN + ",copy.sf2", synth.sounds());

        Composer composer = new Composer(6);
        Composer.Song song = composer.compose(5);
        Part part = song.parts().get(1);
        float[] a = synth.render(part, 2.0, MidiSynth.BUILTIN);
        float[] b = synth.render(part, 2.0, "copy.sf2");
        assertArrayEquals(a, b, 1e-6f, "the bank read from its file plays as the built-in one");
        assertThrows(IllegalArgumentException.class, () -> synth.render(part, 1.0, "missing.sf2"));

        Genre unseen = song.genre();
        Voicing v = new Voicing(synth.bankNames(), unseen, "copy.sf2");
        CorpusSong s = CorpusSong.generate(
                        5, composer, synth, v, RenderSettings.builder(44100).build(), 1)
                .get(0);
        assertEquals(Split.UNSEEN, s.split);
        for (CorpusSong.Stem stem : s.stems) {
            assertEquals("copy.sf2", stem.sounds);
        }
    }
}
