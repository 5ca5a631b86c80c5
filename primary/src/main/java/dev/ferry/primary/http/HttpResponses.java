package dev.ferry.primary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns an {@link ApiResponse} into a Netty response with its JSON body and headers. Stateless. */
final class HttpResponses {
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private HttpResponses() {}

    /** A complete response; the caller owns it (writing it hands ownership to Netty). */
    static FullHttpResponse toHttp(ByteBufAllocator alloc, ApiResponse response) {
        if (response.text() != null) {
            return text(alloc, response);
        }
        ByteBuf body = response.body() == null ? Unpooled.EMPTY_BUFFER : json(alloc, response.body());
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), body);
        if (response.body() != null) {
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            HttpUtil.setContentLength(http, body.readableBytes());
        }
        if (response.allow() != null) {
            http.headers().set(HttpHeaderNames.ALLOW, response.allow());
        }
        return http;
    }

    private static FullHttpResponse text(ByteBufAllocator alloc, ApiResponse response) {
        ByteBuf body = ByteBufUtil.writeUtf8(alloc, response.text());
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), body);
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT);
        HttpUtil.setContentLength(http, body.readableBytes());
        return http;
    }

    private static ByteBuf json(ByteBufAllocator alloc, ApiResponse.Body body) {
        ByteBuf out = alloc.buffer();
        try (JsonGenerator generator = Json.generator(out)) {
            body.writeTo(generator);
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e instanceof IOException ? new UncheckedIOException("writing a response body failed", (IOException) e)
                    : (RuntimeException) e;
        }
        return out;
    }
}
