package ai.aimix.launcher.embedded;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.io.network.netty.InboundChannelHandlerFactory;
import org.apache.flink.runtime.rest.FileUploadHandler;
import org.apache.flink.runtime.rest.handler.FileUploads;
import org.apache.flink.shaded.netty4.io.netty.buffer.Unpooled;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelFutureListener;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandler;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelHandlerContext;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.DefaultFullHttpResponse;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.FullHttpResponse;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpHeaderValues;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpMethod;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpRequest;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpVersion;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.QueryStringDecoder;
import org.apache.flink.shaded.netty4.io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only Flink REST API: with {@link #READ_ONLY} on, every request that could change something (any method but
 * GET, HEAD and OPTIONS: cancelling or stopping a job, triggering savepoints, rescaling, uploading or running jars,
 * shutting the cluster down; and the two GET routes that cancel or stop a job) is answered 403 before Flink's router
 * sees it, and whatever file it uploaded is deleted. Flink's own {@code web.cancel.enable}
 * only hides the web UI's cancel button (its REST endpoint still cancels), and {@code web.submit.enable} only removes
 * jar submission; the embedded default, reachable by every user of the machine on loopback, needs all of it off. Its
 * own jobs are stopped through their clients, not through REST. Loaded by Flink's REST server as an
 * {@link InboundChannelHandlerFactory} (a service of this jar).
 */
public final class ReadOnlyRest implements InboundChannelHandlerFactory {
    public static final ConfigOption<Boolean> READ_ONLY = key("aimix.rest.read-only")
            .booleanType()
            .defaultValue(false)
            .withDescription("Answer every REST request but GET, HEAD and OPTIONS (and the GET routes yarn-cancel and "
                    + "yarn-stop) with 403: the web UI and REST API "
                    + "show everything and change nothing (no cancel, stop, savepoint, rescale, jar upload or run). "
                    + "On in the embedded default; a cluster protects its REST API with mutual TLS instead.");

    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyRest.class);
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    /**
     * The last path segments of Flink's routes that change a job although their method is GET: Flink 2.2 still
     * registers {@code GET /jobs/:jobid/yarn-cancel} and {@code GET /jobs/:jobid/yarn-stop}, for proxies that pass
     * only GET, and neither is gated by {@code web.cancel.enable}.
     */
    private static final Set<String> CHANGING_READS = Set.of("yarn-cancel", "yarn-stop");

    private static final byte[] REFUSAL = ("{\"errors\":[\"this Flink REST API is read-only (" + READ_ONLY.key()
                    + "): it shows jobs but does not change them\"]}")
            .getBytes(StandardCharsets.UTF_8);

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
            if (msg instanceof HttpRequest && changes((HttpRequest) msg)) {
                ReferenceCountUtil.release(msg);
                discardUploads(ctx);
                FullHttpResponse response = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN, Unpooled.wrappedBuffer(REFUSAL));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, REFUSAL.length);
                // the connection closes after the answer: say so, or a client reusing it finds it gone
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        /** Whether a request could change something: any method but a read, and the reads that cancel or stop. */
        static boolean changes(HttpRequest request) {
            if (!READS.contains(request.method())) {
                return true;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            return CHANGING_READS.contains(last.toLowerCase(Locale.ROOT));
        }

        /**
         * A multipart request's files are on disk before any handler after Flink's upload handler sees it (Flink's
         * own handlers delete them when done): a refused upload must not stay there until the cluster stops.
         */
        private static void discardUploads(ChannelHandlerContext ctx) {
            try (FileUploads uploads = FileUploadHandler.getMultipartFileUploads(ctx)) {
                LOG.debug("Refused a changing REST request; discarding its uploads, if any: {}", uploads);
            } catch (IOException e) {
                LOG.warn("Could not delete the files of a refused REST upload: {}", e.toString());
            }
        }
    }
}
