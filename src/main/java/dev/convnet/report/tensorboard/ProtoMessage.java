package dev.convnet.report.tensorboard;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One protobuf message being written field by field with protobuf-java's {@link CodedOutputStream}
 * (the wire format of protobuf's encoding guide): TensorBoard's messages are few and small, so
 * their field numbers live in {@link Summaries} instead of classes generated from their .proto files.
 */
final class ProtoMessage {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoMessage doubleField(int field, double value) {
        return write(() -> out.writeDouble(field, value));
    }

    ProtoMessage floatField(int field, float value) {
        return write(() -> out.writeFloat(field, value));
    }

    ProtoMessage int64(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    ProtoMessage int32(int field, int value) {
        return write(() -> out.writeInt32(field, value));
    }

    ProtoMessage bool(int field, boolean value) {
        return write(() -> out.writeBool(field, value));
    }

    ProtoMessage string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoMessage bytes(int field, byte[] value) {
        return write(() -> out.writeByteArray(field, value));
    }

    ProtoMessage message(int field, ProtoMessage value) {
        return write(() -> out.writeBytes(field, ByteString.copyFrom(value.toByteArray())));
    }

    /** A packed {@code repeated double}. */
    ProtoMessage packedDoubles(int field, double[] values) {
        return write(() -> {
            out.writeTag(field, 2); // length-delimited
            out.writeUInt32NoTag(values.length * 8);
            for (double v : values) {
                out.writeDoubleNoTag(v);
            }
        });
    }

    byte[] toByteArray() {
        write(out::flush);
        return bytes.toByteArray();
    }

    private interface Write {
        void run() throws IOException;
    }

    private ProtoMessage write(Write w) {
        try {
            w.run();
        } catch (IOException e) { // a byte array does not fail
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
