package ai.aimix.corpus;

import ai.aimix.schema.StemRole;
import java.util.List;

/**
 * One stem of a composed song: its name and role, the General MIDI program that plays it (ignored for drum parts,
 * which use the GM percussion channel) and its notes.
 */
public record Part(String name, StemRole role, int program, boolean drums, List<Note> notes) {}
