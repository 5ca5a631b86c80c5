package dev.ferry.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes complete responses. Stateless; safe from any thread, because {@code ctx.writeAndFlush}
 * hands the write to the channel's event loop.
 */
final class Responses {
    /** The Prometheus text exposition format, version 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private Responses() {}

    static Map<String, Object> error(String message) {
        Map<String, Object> body = JsonBodies.object();
        body.put("error", message);
        return body;
    }

    static void json(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        send(ctx, keepAlive, status, Unpooled.wrappedBuffer(JsonBodies.write(body)),
                HttpHeaderValues.APPLICATION_JSON.toString());
    }

    /** A JSON response, for a handler that sends it itself; keep-alive is the request's default. */
    static FullHttpResponse response(HttpResponseStatus status, Object body) {
        ByteBuf bytes = Unpooled.wrappedBuffer(JsonBodies.write(body));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, bytes);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(response, bytes.readableBytes());
        return response;
    }

    /** Passes a body through unchanged (a forwarded answer of the primary). */
    static void rawJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] body) {
        send(ctx, keepAlive, status, Unpooled.wrappedBuffer(body), HttpHeaderValues.APPLICATION_JSON.toString());
    }

    static void prometheus(ChannelHandlerContext ctx, boolean keepAlive, String text) {
        send(ctx, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)),
                PROMETHEUS_TEXT);
    }

    /** Takes ownership of {@code body}. */
    private static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, ByteBuf body,
            String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
