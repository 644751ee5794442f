package ai.aimix.gateway.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelMode;
import ai.aimix.schema.StemRole;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The create-mix body: a good one becomes the contract's request; each bad field is named in the refusal. */
class MixSpecTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static MixSpec parse(String body) throws Exception {
        return MixSpec.parse(JSON.readTree(body), 8, 600);
    }

    @Test
    void aFullBodyBecomesTheContractsRequest() throws Exception {
        MixSpec s =
                parse("{\"sampleRate\": 48000, \"stems\": [{\"name\": \"kick\", \"role\": \"drums\", \"channels\": 1},"
                        + " {\"name\": \"vox\", \"role\": \"VOCALS\", \"channels\": 2}],"
                        + " \"model\": {\"mode\": \"battle\", \"version\": \"m1\", \"opponent\": \"m2\"},"
                        + " \"overrides\": [{\"stem\": 1, \"parameter\": \"GAIN_DB\", \"value\": -2.5}],"
                        + " \"targetLufs\": -16, \"seconds\": 10, \"client\": \"test\","
                        + " \"preview\": {\"startSeconds\": 2.5, \"seconds\": 4}}");
        MixRequest r = s.toRequest("mix_1", "0123456789abcdef0123", 5L, 480000L);
        assertEquals(48000, r.getSampleRate());
        assertEquals(StemRole.DRUMS, r.getStems().get(0).getRole());
        assertEquals(2, r.getStems().get(1).getChannels());
        assertEquals(ModelMode.BATTLE, r.getModel().getMode());
        assertEquals("m2", r.getModel().getOpponent());
        assertEquals(MixParameter.GAIN_DB, r.getOverrides().get(0).getParameter());
        assertEquals(-16f, r.getTargetLufs());
        assertNull(r.getCeilingDbfs());
        assertEquals(480000L, r.getExpectedFrames());
        assertEquals("test", r.getClient());
        assertEquals(10.0, s.seconds);
        assertEquals(120000L, r.getExcerpt().getStartFrame());
        assertEquals(192000L, r.getExcerpt().getFrames());
        assertNull(parse("{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 2}]}")
                .toRequest("mix_2", "0123456789abcdef0123", 5L, null)
                .getExcerpt());
    }

    @Test
    void aLoudnessPresetSetsTheTargetUnlessTheBodyDoes() throws Exception {
        String stems = "\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 2}]";
        assertEquals(-23f, parse("{" + stems + ", \"preset\": \"broadcast\"}").targetLufs);
        assertEquals(-16f, parse("{" + stems + ", \"preset\": \"podcast\"}").targetLufs);
        assertEquals(-12f, parse("{" + stems + ", \"preset\": \"broadcast\", \"targetLufs\": -12}").targetLufs);
        assertNull(parse("{" + stems + ", \"preset\": \"balanced\"}").targetLufs);
    }

    @Test
    void theModelDefaultsToTheMainChampion() throws Exception {
        MixSpec s = parse("{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 2}]}");
        assertEquals(ModelMode.CHAMPION, s.model.getMode());
        assertNull(s.model.getLeague());
        assertEquals(StemRole.OTHER, s.stems.get(0).getRole());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[]|the body: must be a JSON object",
                "{\"stems\": [{\"name\": \"a\", \"channels\": 1}]}|/sampleRate: is required",
                "{\"sampleRate\": 44100.5, \"stems\": [{\"name\": \"a\", \"channels\": 1}]}|/sampleRate: must be an integer",
                "{\"sampleRate\": 1000, \"stems\": [{\"name\": \"a\", \"channels\": 1}]}|/sampleRate: 1000 is outside",
                "{\"sampleRate\": 44100, \"stems\": []}|/stems: must be a non-empty array",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 3}]}|/stems/0/channels: 3 is outside 1..2",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1, \"gain\": 1}]}|/stems/0/gain: is not a field here",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"role\": \"kazoo\", \"channels\": 1}]}|/stems/0/role: 'kazoo' is not one of",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}, {\"name\": \"a\", \"channels\": 1}]}|/stems/1/name: 'a' names two stems",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"model\": {\"mode\": \"version\"}}|/model/version: is required when mode is VERSION",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"overrides\": [{\"stem\": 1, \"parameter\": \"PAN\", \"value\": 0}]}|/overrides/0/stem: 1 is outside 0..0",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"targetLufs\": 3}|/targetLufs: 3.0 is outside",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"seconds\": 601}|/seconds: 601.0 is outside",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preview\": 3}|/preview: must be an object",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preset\": \"jazzy\"}|/preset: 'jazzy' is not a preset",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preset\": \"wide\"}|/preset: 'wide' shapes a completed mix",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preview\": {\"seconds\": 3}}|/preview/startSeconds: is required",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preview\": {\"startSeconds\": -1, \"seconds\": 3}}|/preview/startSeconds: -1.0 is outside",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preview\": {\"startSeconds\": 0, \"seconds\": 0.2}}|/preview/seconds: 0.2 is outside",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"preview\": {\"startSeconds\": 0, \"seconds\": 5, \"end\": 9}}|/preview/end: is not a field here",
                "{\"sampleRate\": 44100, \"stems\": [{\"name\": \"a\", \"channels\": 1}], \"seconds\": 10, \"preview\": {\"startSeconds\": 12, \"seconds\": 5}}|/preview/startSeconds: 12.0 is not within the song's 10.0 s",
            })
    void eachBadFieldIsNamed(String body, String expected) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(ApiError.INVALID_MIX_REQUEST, e.error);
        assertEquals(true, e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void tooManyStemsAreRefused() throws Exception {
        StringBuilder b = new StringBuilder("{\"sampleRate\": 44100, \"stems\": [");
        for (int i = 0; i < 9; i++) {
            b.append(i == 0 ? "" : ",").append("{\"name\": \"s").append(i).append("\", \"channels\": 1}");
        }
        ApiException e = assertThrows(ApiException.class, () -> parse(b + "]}"));
        assertEquals("/stems: has 9 stems; at most 8", e.getMessage());
    }
}
