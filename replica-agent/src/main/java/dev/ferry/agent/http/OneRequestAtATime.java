package dev.ferry.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Lets one request at a time through to {@link AgentApiHandler}: answers are asynchronous (a wait
 * completes on an apply thread), so a pipelined request waits here until the answer to the one
 * before it is written, and HTTP/1.1's rule that answers go out in request order holds. Reading
 * stops while a request is served, which bounds the queue to what one read decoded.
 *
 * <p>Ownership: queued requests are held here and released if the connection closes first.
 * Concurrency: one instance per channel, used on its event loop (Netty runs {@link #write} there
 * even when the answer was written from another thread).
 */
final class OneRequestAtATime extends ChannelDuplexHandler {
    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean serving;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
        } else if (serving) {
            waiting.add(request);
        } else {
            serve(ctx, request);
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        serving = true;
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        if (msg instanceof FullHttpResponse) {
            serving = false;
            FullHttpRequest next = waiting.poll();
            if (next != null) {
                serve(ctx, next);
            } else {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (FullHttpRequest r; (r = waiting.poll()) != null; ) {
            ReferenceCountUtil.release(r);
        }
        ctx.fireChannelInactive();
    }
}
