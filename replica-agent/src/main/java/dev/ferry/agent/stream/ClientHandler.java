package dev.ferry.agent.stream;

import dev.ferry.protocol.Limits;
import dev.ferry.protocol.ProtocolVersion;
import dev.ferry.protocol.changeset.ChangesetCodec;
import dev.ferry.protocol.changeset.CorruptChangesetException;
import dev.ferry.protocol.frame.ChangesetAssembler;
import dev.ferry.protocol.frame.ChangesetFrame;
import dev.ferry.protocol.frame.DatabaseAddedFrame;
import dev.ferry.protocol.frame.DatabasePosition;
import dev.ferry.protocol.frame.DatabaseRemovedFrame;
import dev.ferry.protocol.frame.ErrorCode;
import dev.ferry.protocol.frame.ErrorFrame;
import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.HeartbeatFrame;
import dev.ferry.protocol.frame.HelloFrame;
import dev.ferry.protocol.frame.ProtocolViolationException;
import dev.ferry.protocol.frame.SnapshotBeginFrame;
import dev.ferry.protocol.frame.SnapshotChunkFrame;
import dev.ferry.protocol.frame.SnapshotEndFrame;
import dev.ferry.protocol.frame.SubscribeFrame;
import dev.ferry.protocol.frame.SubscribedFrame;
import dev.ferry.protocol.frame.WelcomeFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of one connection: HELLO, WELCOME, SUBSCRIBE, then every frame of every database
 * handed to that database's apply thread (docs/protocol.md, "Handshake").
 *
 * <p>Never blocks: it only decodes, joins changeset pieces ({@link ChangesetAssembler}, one per
 * database) and queues work; {@link FlowControl} turns reading off while too much is queued.
 *
 * <p>Ownership: a SNAPSHOT_CHUNK frame is retained before it is queued (SimpleChannelInboundHandler
 * releases it after {@link #channelRead0}); the apply thread releases that reference. CHANGESET
 * pieces are copied into the assembled record by the assembler, which releases its own references.
 *
 * <p>Concurrency: one instance per channel, used on its event loop only.
 */
final class ClientHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    /** Name of the idle handler in the pipeline: the handshake timeout, then the heartbeat watch. */
    static final String IDLE = "idle";
    /** SUBSCRIBE frames are filled to about this size, well below the 4 MiB payload limit. */
    private static final int SUBSCRIBE_TARGET_BYTES = 1 << 20;

    private final ClientSettings settings;
    private final Replicas replicas;
    private final Runnable welcomed;
    private final Map<String, ChangesetAssembler> assemblers = new HashMap<>();
    private boolean streaming;
    /** Whether the primary answers SUBSCRIBE with SUBSCRIBED (protocol version 2 on). */
    private boolean answersSubscribe;
    /** SUBSCRIBE frames sent on this connection that no COMPLETE SUBSCRIBED has answered yet. */
    private int unanswered;

    /** @param welcomed run on the event loop once WELCOME arrives (the client notes the time for its backoff) */
    ClientHandler(ClientSettings settings, Replicas replicas, Runnable welcomed) {
        this.settings = settings;
        this.replicas = replicas;
        this.welcomed = welcomed;
    }

    /**
     * A compact copy of {@code chunk}; the caller still releases {@code chunk}. The decoded frame is
     * a slice that pins the decoder's whole cumulation buffer (up to a few MiB), so queued chunks
     * would hold much more direct memory than {@link FlowControl} counts: a 1 GiB bootstrap
     * exhausted a 128 MiB direct-memory limit that way (2026-11-21). The copy is direct memory of the
     * channel's pooled allocator, returned to the pool when the apply thread releases it: no garbage
     * for a small heap to collect, and, unlike a fresh allocation per chunk, memory already mapped.
     */
    private static SnapshotChunkFrame compact(ByteBufAllocator alloc, SnapshotChunkFrame chunk) {
        ByteBuf data = chunk.data();
        int n = data.readableBytes();
        ByteBuf copy = alloc.directBuffer(n, n).writeBytes(data, data.readerIndex(), n);
        try {
            return new SnapshotChunkFrame(chunk.db(), chunk.firstPgno(), chunk.pageCount(), chunk.pageSize(),
                    chunk.compression(), copy);
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new HelloFrame(ProtocolVersion.MIN_SUPPORTED, ProtocolVersion.CURRENT, settings.agentId(),
                settings.token()));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) throws ProtocolViolationException {
        if (frame instanceof ErrorFrame error) {
            onError(ctx, error);
        } else if (!streaming) {
            onWelcome(ctx, frame);
        } else if (frame instanceof ChangesetFrame changeset) {
            onChangeset(ctx, changeset);
        } else if (frame instanceof SnapshotChunkFrame chunk) {
            applier(chunk.db()).offer(new ApplyItem.Chunk(compact(ctx.alloc(), chunk)));
        } else if (frame instanceof SnapshotBeginFrame begin) {
            DatabaseApplier a = applier(begin.db());
            a.primaryAt(begin.txid());
            a.offer(new ApplyItem.SnapshotBegin(begin, ctx.channel()));
        } else if (frame instanceof SnapshotEndFrame end) {
            applier(end.db()).offer(new ApplyItem.SnapshotEnd(end));
        } else if (frame instanceof DatabaseAddedFrame added) {
            LOG.info("primary created {}, which matches the subscription; a snapshot follows", added.db());
            applier(added.db());
        } else if (frame instanceof SubscribedFrame subscribed) {
            onSubscribed(subscribed);
        } else if (frame instanceof DatabaseRemovedFrame removed) {
            dropAssembler(removed.db());
            applier(removed.db()).offer(new ApplyItem.Removed());
        } else if (!(frame instanceof HeartbeatFrame)) {
            throw new ProtocolViolationException(frame.type() + " is not sent by a primary");
        }
    }

    private void onWelcome(ChannelHandlerContext ctx, Frame frame) throws ProtocolViolationException {
        if (!(frame instanceof WelcomeFrame welcome)) {
            throw new ProtocolViolationException(frame.type() + " arrived before WELCOME");
        }
        if (!ProtocolVersion.isSupported(welcome.version())) {
            throw new ProtocolViolationException("WELCOME chose version " + welcome.version() + ", outside this"
                    + " agent's " + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
        }
        streaming = true;
        answersSubscribe = ProtocolVersion.hasSubscribed(welcome.version());
        if (!answersSubscribe) {
            // A version 1 primary never lists a glob's databases: readiness stays as it was before version 2.
            replicas.globsListed();
        }
        long interval = welcome.heartbeatIntervalMs();
        // docs/protocol.md, "Heartbeats": send after one quiet interval, give up after three.
        ctx.pipeline().replace(IDLE, IDLE, new IdleStateHandler(3 * interval, interval, 0, TimeUnit.MILLISECONDS));
        replicas.flow().attach(ctx.channel());
        welcomed.run();
        List<DatabasePosition> positions = replicas.positions();
        LOG.info("connected to primary {} at {}:{} (protocol {}); subscribing to {} with {} positions held",
                welcome.primaryId(), settings.host(), settings.port(), welcome.version(),
                replicas.subscription().patterns(), positions.size());
        subscribe(ctx, positions);
    }

    /**
     * Positions go first, in frames without patterns, and the patterns last: the primary resumes
     * each database with the position it already has when a pattern first matches it
     * (docs/protocol.md, "How the primary answers a SUBSCRIBE", 2).
     */
    private void subscribe(ChannelHandlerContext ctx, List<DatabasePosition> positions) {
        List<DatabasePosition> batch = new ArrayList<>();
        int bytes = 0;
        for (DatabasePosition p : positions) {
            batch.add(p);
            bytes += 2 + p.db().length() + 16;
            if (bytes >= SUBSCRIBE_TARGET_BYTES || batch.size() == Limits.MAX_POSITIONS) {
                ctx.write(new SubscribeFrame(List.of(), batch));
                unanswered++;
                batch = new ArrayList<>();
                bytes = 0;
            }
        }
        ctx.writeAndFlush(new SubscribeFrame(replicas.subscription().patterns(), batch));
        unanswered++;
    }

    /**
     * The primary's list of the databases a SUBSCRIBE matched. Each gets its applier now, so that it
     * counts as not bootstrapped until its copy lands; the last answer makes the globs listed.
     */
    private void onSubscribed(SubscribedFrame subscribed) throws ProtocolViolationException {
        if (!answersSubscribe) {
            throw new ProtocolViolationException("SUBSCRIBED on a protocol version 1 connection");
        }
        if (unanswered == 0) {
            throw new ProtocolViolationException("SUBSCRIBED answers no SUBSCRIBE");
        }
        for (String db : subscribed.names()) {
            applier(db);
        }
        if (subscribed.isComplete() && --unanswered == 0) {
            replicas.globsListed();
        }
    }

    private void onChangeset(ChannelHandlerContext ctx, ChangesetFrame piece) throws ProtocolViolationException {
        DatabaseApplier applier = applier(piece.db());
        Optional<byte[]> record = assemblers.computeIfAbsent(piece.db(), ChangesetAssembler::new).accept(piece);
        if (record.isEmpty()) {
            return;
        }
        try {
            applier.primaryAt(ChangesetCodec.summarize(record.get(), 0, record.get().length).txid());
        } catch (CorruptChangesetException e) {
            LOG.warn("changeset for {} from the primary is corrupt: {}; reconnecting", piece.db(), e.getMessage());
            closeWith(ctx, ErrorCode.BAD_FRAME, e.getMessage());
            return;
        }
        applier.offer(new ApplyItem.Changeset(record.get(), ctx.channel()));
    }

    private DatabaseApplier applier(String db) throws ProtocolViolationException {
        Optional<DatabaseApplier> applier = replicas.applier(db);
        if (applier.isEmpty()) {
            throw new ProtocolViolationException("the primary sent " + db + ", which no pattern of "
                    + replicas.subscription().patterns() + " matches");
        }
        return applier.get();
    }

    private void onError(ChannelHandlerContext ctx, ErrorFrame error) {
        String name = error.errorCode().map(ErrorCode::name).orElse("code " + error.code());
        if (error.errorCode().filter(c -> c == ErrorCode.SHUTTING_DOWN).isPresent()) {
            LOG.info("primary is shutting down: {}", error.message());
        } else {
            LOG.error("primary refused the connection: {}: {}", name, error.message());
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, event);
        } else if (idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(new HeartbeatFrame(System.currentTimeMillis()), ctx.voidPromise());
        } else if (idle.state() == IdleState.READER_IDLE && !ctx.channel().config().isAutoRead()) {
            // FlowControl stopped reading: the silence is ours, not the primary's.
            return;
        } else if (idle.state() == IdleState.READER_IDLE) {
            LOG.warn("nothing received from the primary {}; closing the connection", streaming
                    ? "for three heartbeat intervals" : "within " + settings.handshakeTimeoutMs() + " ms of connecting");
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        assemblers.values().forEach(ChangesetAssembler::close);
        assemblers.clear();
        replicas.linkLost(ctx.channel());
    }

    /** docs/protocol.md, "Errors and closing": never resynchronise; say why, then close. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorCode code = cause instanceof DecoderException ? ErrorCode.BAD_FRAME
                : cause instanceof ProtocolViolationException ? ErrorCode.PROTOCOL_VIOLATION : ErrorCode.INTERNAL;
        LOG.warn("connection to the primary failed: {}: {}", code, cause.getMessage());
        closeWith(ctx, code, String.valueOf(cause.getMessage()));
    }

    private void dropAssembler(String db) {
        ChangesetAssembler a = assemblers.remove(db);
        if (a != null) {
            a.close();
        }
    }

    private static void closeWith(ChannelHandlerContext ctx, ErrorCode code, String message) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(ErrorFrame.shortened(code, message)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
