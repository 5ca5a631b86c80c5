package dev.ferry.primary.stream;

import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.frame.AckFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol logic of one agent connection (docs/protocol.md, "Handshake", "Heartbeats",
 * "Errors and closing"): checks HELLO (version, then token), answers WELCOME, then hands
 * SUBSCRIBE and ACK to the connection's {@link Session}. Sends HEARTBEAT when it has written
 * nothing for an interval and closes a peer silent for three. Any failure ends the connection with
 * one ERROR; nothing after a bad frame is acted on.
 *
 * <p>Not thread-safe: one instance per channel, on its event loop.
 */
final class SessionHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private enum State { AWAIT_HELLO, OPEN, CLOSING }

    private final StreamContext ctx;
    private final TokenCheck tokens;
    private State state = State.AWAIT_HELLO;
    private Session session;
    private ChannelHandlerContext channelContext;

    SessionHandler(StreamContext ctx, TokenCheck tokens) {
        this.ctx = ctx;
        this.tokens = tokens;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        channelContext = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Frame frame) {
        switch (state) {
            case AWAIT_HELLO -> {
                if (frame instanceof HelloFrame hello) {
                    hello(context, hello);
                } else {
                    fail(ErrorCode.PROTOCOL_VIOLATION, "the first frame must be HELLO, not " + frame.type());
                }
            }
            case OPEN -> open(frame);
            case CLOSING -> { }
        }
    }

    private void hello(ChannelHandlerContext context, HelloFrame hello) {
        OptionalInt version = ProtocolVersion.negotiate(hello.minVersion(), hello.maxVersion());
        if (version.isEmpty()) {
            LOG.warn("agent {} from {} speaks protocol versions {}..{}, the primary {}..{}: refused", hello.agentId(),
                    context.channel().remoteAddress(), hello.minVersion(), hello.maxVersion(),
                    ProtocolVersion.MIN_SUPPORTED, ProtocolVersion.CURRENT);
            fail(ErrorCode.UNSUPPORTED_VERSION, "protocol versions " + hello.minVersion() + ".." + hello.maxVersion()
                    + " do not meet the primary's " + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
            return;
        }
        if (!tokens.accepts(hello.token())) {
            LOG.warn("agent {} from {} presented {} token: refused", hello.agentId(), context.channel().remoteAddress(),
                    hello.token().isEmpty() ? "no" : "a wrong");
            fail(ErrorCode.UNAUTHORIZED, hello.token().isEmpty() ? "a token is required" : "the token is wrong");
            return;
        }
        state = State.OPEN;
        session = new Session(context.channel(), hello.agentId(), version.getAsInt(), ctx, this::fail);
        ctx.feeds().addSession(session);
        ctx.metrics().agentConnected();
        context.writeAndFlush(new WelcomeFrame(version.getAsInt(), ctx.settings().primaryId(),
                ctx.settings().heartbeatIntervalMs()), context.voidPromise());
        LOG.info("agent {} connected from {} (protocol version {})", hello.agentId(), context.channel().remoteAddress(),
                version.getAsInt());
    }

    private void open(Frame frame) {
        if (frame instanceof SubscribeFrame subscribe) {
            session.subscribe(subscribe);
        } else if (frame instanceof AckFrame ack) {
            session.ack(ack);
        } else if (frame instanceof ErrorFrame error) {
            LOG.warn("agent {} closes the connection: ERROR {} {}", session.agentId(), error.code(), error.message());
            state = State.CLOSING;
            channelContext.close();
        } else if (!(frame instanceof HeartbeatFrame)) {
            fail(ErrorCode.PROTOCOL_VIOLATION, frame.type() + " is not allowed from an agent after WELCOME");
        }
    }

    /**
     * Ends the connection with ERROR {@code code}: it is the last frame written, then the channel
     * closes. A channel that is not writable (the peer stopped reading) is closed at once, since the
     * ERROR could only wait behind everything queued.
     */
    void fail(ErrorCode code, String message) {
        if (state == State.CLOSING) {
            return;
        }
        state = State.CLOSING;
        if (session != null) {
            session.close();
        }
        if (channelContext.channel().isWritable()) {
            channelContext.writeAndFlush(ErrorFrame.shortened(code, message)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channelContext.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (session != null && state == State.OPEN) {
            session.writabilityChanged();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (!(event instanceof IdleStateEvent idle)) {
            context.fireUserEventTriggered(event);
            return;
        }
        if (idle.state() == IdleState.READER_IDLE) {
            LOG.warn("agent {} at {} sent nothing for {} ms: closing", session == null ? "(no HELLO yet)"
                    : session.agentId(), context.channel().remoteAddress(), 3 * ctx.settings().heartbeatIntervalMs());
            state = State.CLOSING;
            context.close();
        } else if (idle.state() == IdleState.WRITER_IDLE && state == State.OPEN && context.channel().isWritable()) {
            // Not when unwritable: a stalled peer would otherwise collect heartbeats without bound.
            context.writeAndFlush(new HeartbeatFrame(System.currentTimeMillis()), context.voidPromise());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (session != null) {
            session.close();
            ctx.feeds().removeSession(session);
            ctx.metrics().agentDisconnected();
            LOG.info("agent {} disconnected", session.agentId());
        }
        state = State.CLOSING;
        context.fireChannelInactive();
    }

    /** A framing error (one of the codec's four) is BAD_FRAME; anything else INTERNAL. Never resynchronises. */
    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOG.warn("bad frame from {}: {}; closing", context.channel().remoteAddress(), cause.getMessage());
            fail(ErrorCode.BAD_FRAME, cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("connection from {} failed: {}", context.channel().remoteAddress(), cause.toString());
            state = State.CLOSING;
            context.close();
        } else {
            LOG.warn("connection from {} failed; closing", context.channel().remoteAddress(), cause);
            fail(ErrorCode.INTERNAL, String.valueOf(cause.getMessage()));
        }
    }
}
