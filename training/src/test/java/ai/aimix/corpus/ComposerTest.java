package ai.aimix.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.StemRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
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

    /**
     * The wide arrangement: 4 to 12 parts, fx among them, doubled parts (a second part of the same role playing the
     * first's notes on another program, a few milliseconds late), and line-ups that change between verse and chorus;
     * still a function of the seed, every part audible and within the song.
     */
    @Test
    void wideArrangementsHaveUpToTwelvePartsDoublesFxAndChangingLineUps() {
        Composer composer = new Composer(12, Arrangement.WIDE);
        Set<Integer> stemCounts = new HashSet<>();
        Set<StemRole> roles = EnumSet.noneOf(StemRole.class);
        int doubled = 0;
        int restingParts = 0;
        int otherProgram = 0;
        for (long seed = 1; seed <= 120; seed++) {
            Composer.Song s = composer.compose(seed);
            assertEquals(s, composer.compose(seed), "seed " + seed);
            stemCounts.add(s.parts().size());
            roles.addAll(Composer.roles(s));
            Set<String> names = new HashSet<>();
            Composer.Section verse = s.sections().get(1);
            Composer.Section chorus = s.sections().get(2);
            for (Part p : s.parts()) {
                assertTrue(names.add(p.name()), "duplicate stem name " + p.name());
                assertTrue(p.notes().size() >= 8, p.name() + " has " + p.notes().size() + " notes");
                for (Note n : p.notes()) {
                    assertTrue(n.start() >= 0 && n.start() + n.length() <= s.seconds(), p.name() + " " + n);
                }
                boolean inVerse = plays(p, verse, s);
                boolean inChorus = plays(p, chorus, s);
                if (inVerse != inChorus && p.role() != StemRole.BRASS && p.role() != StemRole.BACKING_VOCALS) {
                    restingParts++; // brass and backing vocals rest in quiet sections in every arrangement
                }
                for (Part q : s.parts()) {
                    if (q != p && q.role() == p.role() && sameNotesLater(q, p)) {
                        doubled++;
                        otherProgram += q.program() != p.program() ? 1 : 0;
                    }
                }
            }
        }
        assertEquals(Set.of(4, 5, 6, 7, 8, 9, 10, 11, 12), stemCounts);
        assertTrue(roles.contains(StemRole.FX), roles.toString());
        assertTrue(doubled >= 20, doubled + " doubled parts");
        // on another program wherever the genre has another for the role
        assertTrue(otherProgram >= doubled / 2, otherProgram + " of " + doubled + " doubles on another program");
        assertTrue(restingParts >= 20, restingParts + " parts resting through a verse or a chorus only");
    }

    /**
     * The standard arrangement composes exactly what it did before the wide one existed (the shipped models were
     * trained on it): SHA-256 over seeds 1..30 of every song's genre, tempo, key and every part's name, role,
     * program and notes, computed with the code of 427ecaf.
     */
    @Test
    void theStandardArrangementIsUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Composer c = new Composer(12, Arrangement.STANDARD);
        ByteBuffer b = ByteBuffer.allocate(24);
        for (long seed = 1; seed <= 30; seed++) {
            Composer.Song s = c.compose(seed);
            md.update((s.genre() + "|" + s.bpm() + "|" + s.tonic() + "|" + s.minor()).getBytes(StandardCharsets.UTF_8));
            for (Part p : s.parts()) {
                md.update((p.name() + "|" + p.role() + "|" + p.program() + "|" + p.drums())
                        .getBytes(StandardCharsets.UTF_8));
                for (Note n : p.notes()) {
                    b.clear();
                    b.putDouble(n.start()).putDouble(n.length()).putInt(n.key()).putInt(n.velocity());
                    md.update(b.array());
                }
            }
        }
        assertEquals(STANDARD_SHA256, HexFormat.of().formatHex(md.digest()));
    }

    private static final String STANDARD_SHA256 = "7eca1767eafd5ae7689985f1495ef755dc960fdd3131850d8bf408707a2ab498";

    private static boolean plays(Part p, Composer.Section section, Composer.Song s) {
        double from = section.startBar() * 4 * s.beat();
        double to = (section.startBar() + section.bars()) * 4 * s.beat();
        return p.notes().stream().anyMatch(n -> n.start() >= from && n.start() < to);
    }

    /** Whether {@code b} plays {@code a}'s keys, each 10 to 30 ms later. */
    private static boolean sameNotesLater(Part a, Part b) {
        if (a.notes().size() != b.notes().size()) {
            return false;
        }
        for (int i = 0; i < a.notes().size(); i++) {
            Note x = a.notes().get(i);
            Note y = b.notes().get(i);
            double delay = y.start() - x.start();
            if (x.key() != y.key() || delay < 0.010 - 1e-9 || delay > 0.030 + 1e-9) {
                return false;
            }
        }
        return true;
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
