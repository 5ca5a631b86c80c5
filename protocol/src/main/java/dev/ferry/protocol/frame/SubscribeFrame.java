package dev.ferry.protocol.frame;

import dev.ferry.protocol.Limits;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SUBSCRIBE (4), agent to primary, after WELCOME: the databases the agent wants, as names or globs,
 * and the positions it already holds. The primary resumes each matching database from the listed
 * position (docs/protocol.md, "Resume") or snapshots it. A subscription too large for one frame is
 * sent as several SUBSCRIBE frames; each adds to the ones before.
 *
 * <pre>
 * offset   size  field
 * 0        4     p: pattern count
 * 4        ...   p patterns (u16 length, UTF-8 each)
 * ...      4     q: position count
 * ...      ...   q positions ({@link DatabasePosition})
 * </pre>
 *
 * <p>Validity rules, checked by the constructor (each message names its rule):
 * <ol>
 *   <li>there are at most {@value Limits#MAX_PATTERNS} patterns, each 1 … {@value
 *       Limits#MAX_PATTERN_BYTES} characters from {@code [a-z0-9_-]} and the wildcards {@code *}
 *       (any run) and {@code ?} (one character).</li>
 *   <li>there are at most {@value Limits#MAX_POSITIONS} positions, each valid ({@link
 *       DatabasePosition}).</li>
 *   <li>no database has two positions.</li>
 * </ol>
 */
public record SubscribeFrame(List<String> patterns, List<DatabasePosition> positions) implements Frame {

    public SubscribeFrame {
        patterns = List.copyOf(patterns);
        positions = List.copyOf(positions);
        validate(patterns, positions);
    }

    private static void validate(List<String> patterns, List<DatabasePosition> positions) {
        Fields.rule(patterns.size() <= Limits.MAX_PATTERNS, 1,
                patterns.size() + " patterns are above the maximum " + Limits.MAX_PATTERNS);
        for (String pattern : patterns) {
            Fields.rule(Fields.isPattern(pattern), 1, "pattern " + Fields.quoted(pattern)
                    + " is not 1.." + Limits.MAX_PATTERN_BYTES + " characters of [a-z0-9_-*?]");
        }
        Fields.rule(positions.size() <= Limits.MAX_POSITIONS, 2,
                positions.size() + " positions are above the maximum " + Limits.MAX_POSITIONS);
        Set<String> seen = new HashSet<>();
        for (DatabasePosition position : positions) {
            Fields.rule(seen.add(position.db()), 3, "db " + position.db() + " has two positions");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.SUBSCRIBE;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeInt(patterns.size());
        for (String pattern : patterns) {
            Fields.writeString(out, pattern);
        }
        out.writeInt(positions.size());
        for (DatabasePosition position : positions) {
            position.write(out);
        }
    }

    static SubscribeFrame decode(PayloadReader in) {
        // Each count is checked against its limit and the bytes left before the list is allocated.
        int p = in.count("patterns", Limits.MAX_PATTERNS, 2 + 1);
        List<String> patterns = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            patterns.add(in.string("patterns[" + i + "]", Limits.MAX_PATTERN_BYTES));
        }
        int q = in.count("positions", Limits.MAX_POSITIONS, DatabasePosition.MIN_SIZE);
        List<DatabasePosition> positions = new ArrayList<>(q);
        for (int i = 0; i < q; i++) {
            positions.add(DatabasePosition.read(in, "positions[" + i + "]."));
        }
        in.end();
        return new SubscribeFrame(patterns, positions);
    }
}
