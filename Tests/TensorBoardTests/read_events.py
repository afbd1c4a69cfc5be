"""Reads a folder of TensorBoard event files with TensorBoard's own reader (EventAccumulator,
all events kept) and prints every scalar and histogram it found as JSON on stdout, each number
as a hexadecimal float string (float.hex) so that the comparison is exact.
Usage: python3 read_events.py FOLDER   (needs: pip install tensorboard)"""
import json
import sys

from tensorboard.backend.event_processing import event_accumulator

acc = event_accumulator.EventAccumulator(
    sys.argv[1], size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0})
acc.Reload()
h = float.hex
tags = acc.Tags()
out = {
    "scalars": {tag: [[h(float(e.step)), h(e.value)] for e in acc.Scalars(tag)] for tag in tags["scalars"]},
    "histograms": {
        tag: [{"step": h(float(e.step)), "min": h(e.histogram_value.min), "max": h(e.histogram_value.max),
               "num": h(e.histogram_value.num), "sum": h(e.histogram_value.sum),
               "sum_squares": h(e.histogram_value.sum_squares),
               "bucket_limit": [h(v) for v in e.histogram_value.bucket_limit],
               "bucket": [h(v) for v in e.histogram_value.bucket]} for e in acc.Histograms(tag)]
        for tag in tags["histograms"]},
}
json.dump(out, sys.stdout)
