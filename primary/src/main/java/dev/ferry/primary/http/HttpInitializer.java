package dev.ferry.primary.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * Builds each connection's pipeline, in order: HTTP/1.1 codec, keep-alive (closes the connection
 * after an answer when the request asked for that), body aggregation up to the body limit (413
 * beyond it), then the API handler.
 */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final Api api;
    private final int maxBodyBytes;
    private final InFlightRequests inFlight;
    private final ChannelGroup connections;

    HttpInitializer(Api api, int maxBodyBytes, InFlightRequests inFlight, ChannelGroup connections) {
        this.api = api;
        this.maxBodyBytes = maxBodyBytes;
        this.inFlight = inFlight;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("http-codec", new HttpServerCodec());
        pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
        pipeline.addLast("body-limit", new BodyLimitAggregator(maxBodyBytes));
        pipeline.addLast("api", new ApiHandler(api, inFlight));
    }
}
