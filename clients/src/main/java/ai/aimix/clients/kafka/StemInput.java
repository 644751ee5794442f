package ai.aimix.clients.kafka;

import ai.aimix.clients.audio.Audio;
import ai.aimix.schema.StemRole;

/** One stem to push: its display name, role and audio. */
public final class StemInput {
    public final String name;
    public final StemRole role;
    public final Audio audio;

    public StemInput(String name, StemRole role, Audio audio) {
        this.name = name;
        this.role = role;
        this.audio = audio;
    }
}
