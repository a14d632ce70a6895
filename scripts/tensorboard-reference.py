"""Reads a TensorBoard log folder through TensorBoard's own event reader and prints it as JSON.

Used by the tests of `convnet train --tensorboard` (TensorBoardTest): whatever TensorBoard itself
reads from our event files (EventAccumulator, the loader behind `tensorboard --logdir`) is what the
test compares with the run's history. One JSON object: run name (folder relative to the log
folder) -> scalars, histograms, images, text and hparams. Never part of the product.

Usage: python tensorboard-reference.py LOGDIR
"""
import json
import os
import sys

from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.plugins.hparams import metadata as hparams_metadata


def run_dirs(logdir):
    for root, _, files in os.walk(logdir):
        if any("tfevents" in f for f in files):
            yield root


def read(path):
    acc = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0, ea.TENSORS: 0})
    acc.Reload()
    tags = acc.Tags()
    out = {"scalars": {}, "histograms": {}, "images": {}, "text": {}, "hparams": {}}
    for tag in tags["scalars"]:
        out["scalars"][tag] = [[e.step, e.value] for e in acc.Scalars(tag)]
    for tag in tags["histograms"]:
        out["histograms"][tag] = [
            {"step": e.step, "num": e.histogram_value.num, "min": e.histogram_value.min,
             "max": e.histogram_value.max, "sum": e.histogram_value.sum,
             "bucket_total": sum(e.histogram_value.bucket), "buckets": len(e.histogram_value.bucket)}
            for e in acc.Histograms(tag)]
    for tag in tags["images"]:
        out["images"][tag] = [
            {"step": e.step, "width": e.width, "height": e.height,
             "png": e.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"}
            for e in acc.Images(tag)]
    for tag in tags["tensors"]:
        plugin = acc.SummaryMetadata(tag).plugin_data
        if plugin.plugin_name == "text":
            out["text"][tag] = [e.tensor_proto.string_val[0].decode("utf-8") for e in acc.Tensors(tag)]
        elif plugin.plugin_name == "hparams" and tag == hparams_metadata.SESSION_START_INFO_TAG:
            info = hparams_metadata.parse_session_start_info_plugin_data(plugin.content)
            out["hparams"] = {k: (v.number_value if v.HasField("number_value") else
                                  v.bool_value if v.HasField("bool_value") else v.string_value)
                              for k, v in info.hparams.items()}
            out["hparams_group"] = info.group_name
        elif plugin.plugin_name == "hparams" and tag == hparams_metadata.SESSION_END_INFO_TAG:
            out["hparams_end_status"] = hparams_metadata.parse_session_end_info_plugin_data(plugin.content).status
    return out


def main():
    logdir = sys.argv[1]
    runs = {os.path.relpath(d, logdir): read(d) for d in sorted(run_dirs(logdir))}
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
