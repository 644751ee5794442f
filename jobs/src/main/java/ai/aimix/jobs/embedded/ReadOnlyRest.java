package ai.aimix.jobs.embedded;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.io.network.netty.InboundChannelHandlerFactory;
import org.apache.flink.shaded.netty4.io.netty.buffer.Unpooled;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelFutureListener;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandler;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandlerContext;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.DefaultFullHttpResponse;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.FullHttpResponse;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpMethod;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpRequest;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpVersion;
import org.apache.flink.shaded.netty4.io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * A read-only Flink REST API: with {@link #READ_ONLY} on, every request that could change something (any method but
 * GET, HEAD and OPTIONS: cancelling or stopping a job, triggering savepoints, rescaling, uploading or running jars,
 * shutting the cluster down) is answered 403 before Flink's router sees it. Flink's own {@code web.cancel.enable}
 * only hides the web UI's cancel button (its REST endpoint still cancels), and {@code web.submit.enable} only removes
 * jar submission; the embedded default, reachable by every user of the machine on loopback, needs all of it off. Its
 * own jobs are stopped through their clients, not through REST. Loaded by Flink's REST server as an
 * {@link InboundChannelHandlerFactory} (a service of this jar).
 */
public final class ReadOnlyRest implements InboundChannelHandlerFactory {
    public static final ConfigOption<Boolean> READ_ONLY = key("aimix.rest.read-only").booleanType().defaultValue(false)
            .withDescription("Answer every REST request but GET, HEAD and OPTIONS with 403: the web UI and REST API "
                    + "show everything and change nothing (no cancel, stop, savepoint, rescale, jar upload or run). "
                    + "On in the embedded default; a cluster protects its REST API with mutual TLS instead.");

    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final byte[] REFUSAL = ("{\"errors\":[\"this Flink REST API is read-only (" + READ_ONLY.key()
            + "): it shows jobs but does not change them\"]}").getBytes(StandardCharsets.UTF_8);

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Optional<ChannelHandler> createHandler(Configuration configuration, Map<String, String> responseHeaders) {
        return configuration.get(READ_ONLY) ? Optional.of(new Refuser()) : Optional.empty();
    }

    /** Passes reads on; answers everything else 403 and closes the connection. */
    @ChannelHandler.Sharable
    static final class Refuser extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest && !READS.contains(((HttpRequest) msg).method())) {
                ReferenceCountUtil.release(msg);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.FORBIDDEN, Unpooled.wrappedBuffer(REFUSAL));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, REFUSAL.length);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
