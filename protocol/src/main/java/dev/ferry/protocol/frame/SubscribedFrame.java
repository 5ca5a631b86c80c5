package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SUBSCRIBED (14), primary to agent, protocol version 2 and later: the answer to one SUBSCRIBE. It
 * names the existing databases the SUBSCRIBE's patterns matched and the primary now streams on this
 * connection (a snapshot or changesets of each follows). An answer with more names than one frame
 * holds travels as several SUBSCRIBED frames; the last has {@link #COMPLETE} set, so every SUBSCRIBE
 * is answered by exactly one COMPLETE frame. The agent learns from it which databases a glob
 * stands for, so that readiness can wait for them (docs/protocol.md, "SUBSCRIBED").
 *
 * <pre>
 * offset   size  field
 * 0        1     flags: bit 0 COMPLETE, bits 1-7 reserved (zero)
 * 1        4     n: name count
 * 5        ...   n database names (u16 length, UTF-8 each)
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>only the COMPLETE bit of {@code flags} is set.</li>
 *   <li>there are at most {@value Limits#MAX_SUBSCRIBED_NAMES} names, each a database name.</li>
 *   <li>no name appears twice.</li>
 * </ol>
 */
public record SubscribedFrame(int flags, List<String> names) implements Frame {
    public static final int COMPLETE = 1;

    public SubscribedFrame {
        names = List.copyOf(names);
        Fields.rule((flags & ~COMPLETE) == 0, 1, "flags 0x" + Integer.toHexString(flags) + " set reserved bits");
        Fields.rule(names.size() <= Limits.MAX_SUBSCRIBED_NAMES, 2,
                names.size() + " names are above the maximum " + Limits.MAX_SUBSCRIBED_NAMES);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            Fields.rule(Fields.isDatabaseName(name), 2, "name " + Fields.quoted(name) + " is not a database name");
            Fields.rule(seen.add(name), 3, "name " + name + " appears twice");
        }
    }

    /**
     * The whole answer naming {@code names}: frames of at most {@value Limits#MAX_SUBSCRIBED_NAMES}
     * names, the last one COMPLETE. An empty {@code names} is one empty COMPLETE frame.
     */
    public static List<SubscribedFrame> answer(List<String> names) {
        List<SubscribedFrame> frames = new ArrayList<>();
        int from = 0;
        do {
            int to = Math.min(names.size(), from + Limits.MAX_SUBSCRIBED_NAMES);
            frames.add(new SubscribedFrame(to == names.size() ? COMPLETE : 0, names.subList(from, to)));
            from = to;
        } while (from < names.size());
        return frames;
    }

    public boolean isComplete() {
        return (flags & COMPLETE) != 0;
    }

    @Override
    public FrameType type() {
        return FrameType.SUBSCRIBED;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeByte(flags);
        out.writeInt(names.size());
        for (String name : names) {
            Fields.writeString(out, name);
        }
    }

    static SubscribedFrame decode(PayloadReader in) {
        int flags = in.u8("flags");
        int n = in.count("names", Limits.MAX_SUBSCRIBED_NAMES, 2 + 1);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.string("names[" + i + "]", Limits.MAX_DB_NAME_BYTES));
        }
        in.end();
        return new SubscribedFrame(flags, names);
    }
}
