package ai.aimix.gateway.mix;

import java.nio.ByteBuffer;

/** Where a mix's events go: a WebSocket session in the gateway, a list in tests. Sends must not block for long. */
public interface Subscriber {
    void text(String json);

    void binary(ByteBuffer data);

    /** The mix has ended (or is forgotten): no more events; the subscriber may close. */
    void end();
}
