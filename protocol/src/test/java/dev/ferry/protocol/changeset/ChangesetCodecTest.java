package dev.ferry.protocol.changeset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChangesetCodecTest {
    @Test
    void decode_encodedUncompressed_returnsSameFields() throws Exception {
        Changeset cs = TestChangesets.repetitive(7, 512, 10, 1, 3);
        byte[] bytes = ChangesetCodec.encode(cs, false);
        assertEquals(64 + 4 * 2 + 2 * 512, bytes.length, "record length");
        TestChangesets.assertSameFields(cs, ChangesetCodec.decode(bytes));
    }
}
