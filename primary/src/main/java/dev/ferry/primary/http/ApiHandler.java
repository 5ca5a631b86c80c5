package dev.ferry.primary.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: passes each aggregated request to the {@link Api} and
 * writes its answer.
 *
 * <p>Answers are asynchronous, so one request is served at a time per connection and pipelined
 * requests wait in a queue; their answers then go out in request order as HTTP/1.1 requires.
 * Reading stops while a request is being served, which bounds the queue to what one read decoded.
 *
 * <p>Concurrency: one instance per channel; every method and every completion runs on the
 * channel's event loop (answers are handed back to it from the catalog's threads).
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Api api;
    private final InFlightRequests inFlight;
    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean serving;

    ApiHandler(Api api, InFlightRequests inFlight) {
        this.api = api;
        this.inFlight = inFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (serving) {
            waiting.add((FullHttpRequest) msg);
            return;
        }
        serve(ctx, (FullHttpRequest) msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Clients reset and abandon connections all the time; only anything else deserves a warning.
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            LOG.debug("closing HTTP connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("closing HTTP connection from {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** Serves {@code request}, taking ownership of it. */
    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        serving = true;
        boolean admitted = inFlight.begin();
        ctx.channel().config().setAutoRead(false);
        try {
            if (request.decoderResult().isFailure()) {
                answer(ctx, Failures.error(HttpResponseStatus.BAD_REQUEST,
                        "malformed HTTP request: " + request.decoderResult().cause().getMessage(), null), false);
            } else if (!admitted) {
                answer(ctx, Failures.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the primary is shutting down", null), false);
            } else {
                api.handle(request.method(), request.uri(), request.content())
                        .whenCompleteAsync((response, failure) -> answer(ctx, response, true), ctx.executor());
            }
        } finally {
            request.release();
        }
    }

    /**
     * Writes the answer and moves on to the next waiting request. Unless {@code keepOpen} is false,
     * whether the connection stays open is left to the keep-alive handler ahead of this one, which
     * follows the request's Connection header.
     */
    private void answer(ChannelHandlerContext ctx, ApiResponse response, boolean keepOpen) {
        FullHttpResponse http;
        try {
            http = HttpResponses.toHttp(ctx.alloc(), response);
        } catch (RuntimeException e) {
            http = HttpResponses.toHttp(ctx.alloc(), Failures.toResponse(e));
        }
        serving = false;
        if (!keepOpen) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(http).addListener(written -> inFlight.end()).addListener(ChannelFutureListener.CLOSE);
            releaseWaiting();
            return;
        }
        ctx.writeAndFlush(http).addListener(written -> inFlight.end());
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            serve(ctx, next);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseWaiting() {
        for (FullHttpRequest request; (request = waiting.poll()) != null; ) {
            request.release();
        }
    }
}
