package ai.aimix.gateway.mix;

import java.nio.ByteBuffer;

/**
 * Where a mix's events go: a WebSocket session in the gateway, a list in tests. Sends must not block for long; a
 * subscriber that writes asynchronously says how much is still waiting ({@link #backlog()}) and when a write has
 * finished ({@link #onWritten}), so that a late subscriber's replay of stored audio is paced by its connection.
 */
public interface Subscriber {
    void text(String json);

    void binary(ByteBuffer data);

    /** The mix has ended (or is forgotten): no more events; the subscriber may close. */
    void end();

    /** Bytes sent to this subscriber and not yet written out: zero for one that writes synchronously. */
    default long backlog() {
        return 0;
    }

    /** Runs {@code written} after each of this subscriber's writes completes (on any thread); null stops it. */
    default void onWritten(Runnable written) {}

    /** A keep-alive that carries no event (a WebSocket ping); nothing for a subscriber without a connection. */
    default void ping() {}
}
