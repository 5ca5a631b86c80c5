/**
 * The Netty codec of the replication protocol: {@link dev.ferry.protocol.codec.FrameDecoder} and
 * {@link dev.ferry.protocol.codec.FrameEncoder} frame messages as length, type, payload and
 * CRC-32C, and a failure is one of four exceptions by class: corrupt, too large, unsupported,
 * truncated. docs/protocol.md, "Replication frames", is the normative description.
 *
 * <p>Both sides build the pipeline the same way, TLS first, then framing, then the logic:
 *
 * <pre>{@code
 * static final FrameEncoder FRAME_ENCODER = new FrameEncoder();     // stateless, @Sharable
 *
 * protected void initChannel(SocketChannel ch) {
 *     ch.pipeline()
 *         .addLast(sslContext.newHandler(ch.alloc()))               // optional
 *         .addLast(new FrameDecoder())                              // one per channel
 *         .addLast(FRAME_ENCODER)
 *         .addLast(new SessionHandler(...));                        // SimpleChannelInboundHandler<Frame>
 * }
 * }</pre>
 *
 * <p>The handler reads {@link dev.ferry.protocol.frame.Frame}s, switching on {@code
 * frame.type()}; SimpleChannelInboundHandler releases a bulk frame after {@code channelRead0}, so a
 * handler that passes one to another thread calls {@code retain()} first and releases it there. It
 * writes frames with {@code ctx.write(frame)}; the encoder takes ownership. Its {@code
 * exceptionCaught} ends the connection on any of the four exceptions (all {@link
 * io.netty.handler.codec.DecoderException}s), never resynchronising:
 *
 * <pre>{@code
 * public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
 *     ErrorCode code = cause instanceof DecoderException ? ErrorCode.BAD_FRAME : ErrorCode.INTERNAL;
 *     ctx.writeAndFlush(ErrorFrame.shortened(code, cause.getMessage()))
 *        .addListener(ChannelFutureListener.CLOSE);
 * }
 * }</pre>
 */
package dev.ferry.protocol.codec;
