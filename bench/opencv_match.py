#!/usr/bin/python3
"""Brute-force block matching with OpenCV, the reference for the block-matching stage's search.

    /usr/bin/python3 bench/opencv_match.py IMAGE.png ALLOWED.png QUERY.json OUT.json

IMAGE.png   the current image, 8-bit RGB (the stage searched the same 8-bit values).
ALLOWED.png 8-bit grey, image-sized: non-zero where a source block may start (its top-left corner): the
            block lies inside the image, clear of the grown hole, on the stride.
QUERY.json  {"blockSize": b, "penaltyPerPixel": p, "maxDistance": d (0 = none),
             "histogramThreshold": t (1 = none), "blocks": [{"x": .., "y": ..}, ...]}

For each block, cv2.matchTemplate(image, block, TM_CCOEFF_NORMED) scores every position (zero-mean
normalised cross-correlation summed over the three channels, the stage's `zncc`); timed alone, this is
the per-block figure the stage is compared with. Then, like the stage, the objective is
score - p * distance, positions that are not allowed or beyond the maximum distance are dropped, and so
are positions whose 16-bin histogram differs from the block's by more than t in some channel (Hellinger
distance sqrt(1 - sum sqrt(p q)), OpenCV's HISTCMP_BHATTACHARYYA, from per-bin summed-area tables). The best remaining position is the
brute-force best (ties: first in row-major order).

Writes OUT.json: {"opencv": version, "threads": n, "blocks": [{"x", "y", "matchTemplateSeconds",
"seconds", "best": {"x", "y", "score", "objective"} or null}]} and prints a one-line summary.

Needs Debian's python3-opencv, installed for /usr/bin/python3 (a pyenv `python3` on PATH may not have cv2).
"""
import json
import sys
import time

import cv2
import numpy as np

BINS = 16


def histogram_distance_map(bins, template_bins, b):
    """Largest per-channel Hellinger distance between every b x b window's histogram and the template's."""
    h, w = bins.shape[:2]
    worst = np.zeros((h - b + 1, w - b + 1), np.float64)
    for c in range(3):
        coefficient = np.zeros_like(worst)
        counts = np.bincount(template_bins[:, :, c].ravel(), minlength=BINS)
        for k in range(BINS):
            if counts[k] == 0:
                continue
            table = cv2.integral((bins[:, :, c] == k).astype(np.uint8))
            window = table[b:, b:] - table[:-b, b:] - table[b:, :-b] + table[:-b, :-b]
            coefficient += np.sqrt(window * float(counts[k]))
        np.maximum(worst, np.sqrt(np.maximum(0.0, 1.0 - coefficient / (b * b))), out=worst)
    return worst


def main() -> int:
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    image_path, allowed_path, query_path, out_path = sys.argv[1:5]
    image = cv2.imread(image_path, cv2.IMREAD_COLOR)
    allowed = cv2.imread(allowed_path, cv2.IMREAD_GRAYSCALE)
    if image is None or allowed is None:
        sys.stderr.write(f"cannot read {image_path if image is None else allowed_path}\n")
        return 2
    with open(query_path, encoding="utf8") as f:
        query = json.load(f)
    b = int(query["blockSize"])
    penalty = float(query["penaltyPerPixel"])
    max_distance = float(query["maxDistance"])
    threshold = float(query["histogramThreshold"])
    h, w = image.shape[:2]
    # The stage's bins: floor(v * 16) of v = u / 255, clamped to 15.
    bins = np.minimum((image.astype(np.int32) * BINS) // 255, BINS - 1)
    ys, xs = np.mgrid[0 : h - b + 1, 0 : w - b + 1]
    base_ok = allowed[: h - b + 1, : w - b + 1] > 0
    results = []
    for blk in query["blocks"]:
        x, y = int(blk["x"]), int(blk["y"])
        t0 = time.perf_counter()
        template = image[y : y + b, x : x + b]
        score = cv2.matchTemplate(image, template, cv2.TM_CCOEFF_NORMED)
        mt = time.perf_counter() - t0
        distance = np.hypot(xs - x, ys - y)
        objective = score.astype(np.float64) - penalty * distance
        ok = base_ok.copy()
        if max_distance > 0:
            ok &= distance <= max_distance
        if threshold < 1:
            ok &= histogram_distance_map(bins, bins[y : y + b, x : x + b], b) <= threshold
        objective[~ok] = -np.inf
        i = int(np.argmax(objective))
        best = None
        if np.isfinite(objective.flat[i]):
            by, bx = divmod(i, objective.shape[1])
            best = {"x": bx, "y": by, "score": float(score[by, bx]), "objective": float(objective[by, bx])}
        results.append(
            {"x": x, "y": y, "matchTemplateSeconds": mt, "seconds": time.perf_counter() - t0, "best": best}
        )
    with open(out_path, "w", encoding="utf8") as f:
        json.dump({"opencv": cv2.__version__, "threads": cv2.getNumThreads(), "blocks": results}, f)
    mts = [r["matchTemplateSeconds"] for r in results]
    print(
        json.dumps(
            {
                "blocks": len(results),
                "matchTemplateSecondsMean": sum(mts) / max(1, len(mts)),
                "matchTemplateSecondsMin": min(mts, default=0),
                "matchTemplateSecondsMax": max(mts, default=0),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
