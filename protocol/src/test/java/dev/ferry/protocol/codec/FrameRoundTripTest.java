package dev.ferry.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.protocol.frame.Frame;
import dev.ferry.protocol.frame.FrameType;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message goes through {@link FrameEncoder} and {@link FrameDecoder} and comes back equal,
 * whatever pieces TCP cuts the bytes into: split at every byte boundary, and fed byte by byte.
 */
class FrameRoundTripTest {

    static Stream<FrameType> types() {
        return Stream.of(FrameType.values());
    }

    private static Frame sample(FrameType type) {
        Frame found = null;
        for (Frame frame : TestFrames.oneOfEach()) {
            if (frame.type() == type) {
                found = frame;
            } else {
                ReferenceCountUtil.release(frame);
            }
        }
        return found;
    }

    @Test
    void samples_coverEveryType() {
        Set<FrameType> seen = EnumSet.noneOf(FrameType.class);
        for (Frame frame : TestFrames.oneOfEach()) {
            seen.add(frame.type());
            ReferenceCountUtil.release(frame);
        }
        assertEquals(EnumSet.allOf(FrameType.class), seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void decode_splitAtEveryByte_returnsEqualFrame(FrameType type) {
        byte[] bytes = FrameBytes.encode(sample(type));
        Frame expected = sample(type);
        try {
            for (int cut = 0; cut <= bytes.length; cut++) {
                assertDecodesTo(expected, FrameBytes.decode(bytes, cut), "split at " + cut);
            }
            int[] everyByte = IntStream.range(1, bytes.length).toArray();
            assertDecodesTo(expected, FrameBytes.decode(bytes, everyByte), "byte by byte");
        } finally {
            ReferenceCountUtil.release(expected);
        }
    }

    @Test
    void decode_allTypesBackToBack_returnsThemInOrder() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Frame frame : TestFrames.oneOfEach()) {
            stream.writeBytes(FrameBytes.encode(frame));
        }
        byte[] bytes = stream.toByteArray();
        List<Frame> expected = TestFrames.oneOfEach();
        try {
            for (int cut = 0; cut <= bytes.length; cut += 7) {
                List<Frame> decoded = FrameBytes.decode(bytes, cut);
                try {
                    assertEquals(expected, decoded, "split at " + cut);
                } finally {
                    decoded.forEach(ReferenceCountUtil::release);
                }
            }
        } finally {
            expected.forEach(ReferenceCountUtil::release);
        }
    }

    private static void assertDecodesTo(Frame expected, List<Frame> decoded, String how) {
        List<Frame> copy = new ArrayList<>(decoded);
        try {
            assertEquals(List.of(expected), copy, how);
        } finally {
            copy.forEach(ReferenceCountUtil::release);
        }
    }
}
