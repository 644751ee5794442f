package ai.aimix.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.StemRole;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComposerTest {
    @Test
    void songsAreVariedWellFormedAndAFunctionOfTheSeed() {
        Composer composer = new Composer(12);
        Set<Genre> genres = EnumSet.noneOf(Genre.class);
        Set<Integer> stemCounts = new HashSet<>();
        Set<Integer> keys = new HashSet<>();
        Set<StemRole> roles = EnumSet.noneOf(StemRole.class);
        for (long seed = 1; seed <= 120; seed++) {
            Composer.Song s = composer.compose(seed);
            assertEquals(s, composer.compose(seed), "seed " + seed + " composes the same song twice");
            genres.add(s.genre());
            keys.add(s.tonic());
            stemCounts.add(s.parts().size());
            assertTrue(s.parts().size() >= Composer.MIN_STEMS && s.parts().size() <= Composer.MAX_STEMS);
            assertTrue(s.bpm() >= s.genre().minBpm && s.bpm() <= s.genre().maxBpm);
            Set<StemRole> here = Composer.roles(s);
            assertTrue(here.contains(StemRole.DRUMS) && here.contains(StemRole.BASS), here.toString());
            assertTrue(here.contains(StemRole.KEYS) || here.contains(StemRole.GUITAR), here.toString());
            assertTrue(here.contains(StemRole.VOCALS) || here.contains(StemRole.LEAD), here.toString());
            roles.addAll(here);
            Set<String> names = new HashSet<>();
            double bars = 12 * 4 * s.beat();
            for (Part p : s.parts()) {
                assertTrue(names.add(p.name()), "duplicate stem name " + p.name());
                assertTrue(p.notes().size() >= 8, p.name() + " has " + p.notes().size() + " notes");
                for (Note n : p.notes()) {
                    assertTrue(n.start() < bars && n.start() + n.length() <= s.seconds(), p.name() + " " + n);
                }
                // sections shape the parts: the intro is quieter than the chorus
                assertTrue(p.notes().stream().mapToInt(Note::velocity).max().orElse(0) > 60, p.name());
            }
            assertEquals(
                    List.of("intro", "verse", "chorus", "outro"),
                    s.sections().stream().map(Composer.Section::name).toList());
        }
        assertEquals(EnumSet.allOf(Genre.class), genres);
        assertEquals(Set.of(4, 5, 6, 7, 8), stemCounts);
        assertTrue(keys.size() >= 10, "keys " + keys);
        assertTrue(
                roles.containsAll(EnumSet.of(
                        StemRole.PAD,
                        StemRole.PERCUSSION,
                        StemRole.STRINGS,
                        StemRole.BRASS,
                        StemRole.BACKING_VOCALS,
                        StemRole.SYNTH)),
                roles.toString());
    }

    @Test
    void splitsAreEightyTenTenBySeed() {
        int[] counts = new int[3];
        for (long seed = 0; seed < 20_000; seed++) {
            counts[Split.of(seed).ordinal()]++;
            assertEquals(Split.of(seed), Split.of(seed));
        }
        assertEquals(0.8, counts[0] / 20_000.0, 0.01);
        assertEquals(0.1, counts[1] / 20_000.0, 0.01);
        assertEquals(0.1, counts[2] / 20_000.0, 0.01);
    }
}
