package dev.convnet.report.tensorboard;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * TensorBoard's messages, encoded by field number as their .proto files define them:
 * {@code tensorflow/core/util/event.proto} (Event), {@code tensorflow/core/framework/summary.proto}
 * (Summary, Summary.Value, Summary.Image, HistogramProto, SummaryMetadata),
 * {@code tensor.proto} / {@code tensor_shape.proto} (TensorProto), and TensorBoard's
 * {@code plugins/hparams/plugin_data.proto} (HParamsPluginData) with {@code google/protobuf/struct.proto} (Value).
 */
final class Summaries {
    static final String FILE_VERSION = "brain.Event:2";
    private static final int DT_FLOAT = 1;
    private static final int DT_STRING = 7;

    private Summaries() {
    }

    /** Event{wall_time=1, step=2, file_version=3}. */
    static byte[] fileVersionEvent(double wallTime) {
        return new ProtoMessage().doubleField(1, wallTime).int64(2, 0).string(3, FILE_VERSION).toByteArray();
    }

    /** Event{wall_time=1, step=2, summary=5 → Summary{repeated value=1}}. */
    static byte[] event(double wallTime, long step, ProtoMessage value) {
        ProtoMessage summary = new ProtoMessage().message(1, value);
        return new ProtoMessage().doubleField(1, wallTime).int64(2, step).message(5, summary).toByteArray();
    }

    /** Summary.Value{tag=1, simple_value=2}: a scalar as Keras' TensorBoard callback and the Scalars dashboard know it. */
    static ProtoMessage scalar(String tag, float value) {
        return new ProtoMessage().string(1, tag).floatField(2, value);
    }

    /** Summary.Value{tag=1, histo=5 → HistogramProto{min=1, max=2, num=3, sum=4, sum_squares=5, bucket_limit=6, bucket=7}}. */
    static ProtoMessage histogram(String tag, Histogram h) {
        ProtoMessage histo = new ProtoMessage().doubleField(1, h.min()).doubleField(2, h.max()).doubleField(3, h.count())
                .doubleField(4, h.sum()).doubleField(5, h.sumOfSquares())
                .packedDoubles(6, h.bucketLimits()).packedDoubles(7, h.bucketCounts());
        return new ProtoMessage().string(1, tag).message(5, histo);
    }

    /** Summary.Value{tag=1, image=4 → Image{height=1, width=2, colorspace=3, encoded_image_string=4}}. */
    static ProtoMessage image(String tag, int width, int height, int colorspace, byte[] png) {
        ProtoMessage image = new ProtoMessage().int32(1, height).int32(2, width).int32(3, colorspace).bytes(4, png);
        return new ProtoMessage().string(1, tag).message(4, image);
    }

    /** A scalar string tensor with the text plugin's metadata (the plugin renders it as Markdown). */
    static ProtoMessage text(String tag, String markdown) {
        ProtoMessage tensor = new ProtoMessage().int32(1, DT_STRING).message(2, new ProtoMessage())
                .bytes(8, markdown.getBytes(StandardCharsets.UTF_8));
        return new ProtoMessage().string(1, tag).message(9, pluginMetadata("text", new byte[0])).message(8, tensor);
    }

    /**
     * The hparams plugin's session start: HParamsPluginData{version=1 (0), session_start_info=3 →
     * SessionStartInfo{hparams=1 (map of google.protobuf.Value), group_name=4, start_time_secs=5}}.
     * Numbers become number_value=2, everything else string_value=3.
     */
    static ProtoMessage sessionStart(Map<String, Object> hparams, String group, double startTime) {
        ProtoMessage start = new ProtoMessage();
        hparams.forEach((name, value) -> {
            ProtoMessage v = value instanceof Number n ? new ProtoMessage().doubleField(2, n.doubleValue())
                    : value instanceof Boolean b ? new ProtoMessage().bool(4, b)
                    : new ProtoMessage().string(3, String.valueOf(value));
            start.message(1, new ProtoMessage().string(1, name).message(2, v)); // map entry {key=1, value=2}
        });
        start.string(4, group).doubleField(5, startTime);
        return hparamsValue("_hparams_/session_start_info", new ProtoMessage().int32(1, 0).message(3, start));
    }

    /**
     * HParamsPluginData{session_end_info=4 → SessionEndInfo{status=1, end_time_secs=2}}; {@code status}
     * as tensorboard/plugins/hparams/api.proto numbers it (STATUS_SUCCESS 1, STATUS_FAILURE 2).
     */
    static ProtoMessage sessionEnd(int status, double endTime) {
        ProtoMessage end = new ProtoMessage().int32(1, status).doubleField(2, endTime);
        return hparamsValue("_hparams_/session_end_info", new ProtoMessage().int32(1, 0).message(4, end));
    }

    /** As the hparams plugin's summary.py writes: its data in the metadata, an empty float tensor as the value. */
    private static ProtoMessage hparamsValue(String tag, ProtoMessage pluginData) {
        ProtoMessage emptyTensor = new ProtoMessage().int32(1, DT_FLOAT)
                .message(2, new ProtoMessage().message(2, new ProtoMessage())); // shape (0,)
        return new ProtoMessage().string(1, tag).message(9, pluginMetadata("hparams", pluginData.toByteArray()))
                .message(8, emptyTensor);
    }

    /** SummaryMetadata{plugin_data=1 → PluginData{plugin_name=1, content=2}}. */
    private static ProtoMessage pluginMetadata(String plugin, byte[] content) {
        ProtoMessage data = new ProtoMessage().string(1, plugin);
        if (content.length > 0) {
            data.bytes(2, content);
        }
        return new ProtoMessage().message(1, data);
    }
}
