#!/usr/bin/python3
"""OpenCV's classical inpainting, as the reference the embedded fills are compared with.

    /usr/bin/python3 bench/opencv_inpaint.py IMAGE.png MASK.png OUT.png [RADIUS] [--method=METHOD]

METHOD (default telea):
- telea: cv2.inpaint with INPAINT_TELEA (Telea 2004, fast marching) and a neighbourhood radius of RADIUS px
  (default 3: OpenCV's documented example value and the usual choice; larger radii blur more).
- fsr_fast, fsr_best: opencv_contrib's cv2.xphoto.inpaint with INPAINT_FSR_FAST / INPAINT_FSR_BEST
  (frequency-selective reconstruction, Genser, Seiler & Kaup), on the BGR image.
- shiftmap: cv2.xphoto.inpaint with INPAINT_SHIFTMAP (He & Sun 2012, statistics of patch offsets), on the
  image converted to CIELab as its documentation asks, converted back to BGR.
On the 8-bit image and the mask (any non-zero pixel = hole; xphoto's own convention is the opposite, the
script inverts it), on one thread. Writes the result as PNG and prints one JSON line:
{"seconds": <time of the inpainting call alone>, "width": W, "height": H, "radius": R,
 "method": "INPAINT_TELEA" | "INPAINT_FSR_FAST" | ..., "opencv": "<version>"}.

Needs Debian's python3-opencv (it carries the contrib xphoto module), which is installed for
/usr/bin/python3 (a pyenv `python3` on PATH may not have cv2), hence the explicit interpreter.
"""
import json
import sys
import time

import cv2
import numpy as np

METHODS = {"telea", "fsr_fast", "fsr_best", "shiftmap"}


def run(method: str, image, hole, radius: float):
    """Returns (result, method name, seconds of the call)."""
    if method == "telea":
        t0 = time.perf_counter()
        result = cv2.inpaint(image, hole, radius, cv2.INPAINT_TELEA)
        return result, "INPAINT_TELEA", time.perf_counter() - t0
    valid = np.where(hole > 0, 0, 255).astype("uint8")  # xphoto: non-zero = valid pixels
    if method == "shiftmap":
        lab = cv2.cvtColor(image, cv2.COLOR_BGR2Lab)
        out = np.zeros_like(lab)
        t0 = time.perf_counter()
        cv2.xphoto.inpaint(lab, valid, out, cv2.xphoto.INPAINT_SHIFTMAP)
        seconds = time.perf_counter() - t0
        return cv2.cvtColor(out, cv2.COLOR_Lab2BGR), "INPAINT_SHIFTMAP", seconds
    flag = cv2.xphoto.INPAINT_FSR_FAST if method == "fsr_fast" else cv2.xphoto.INPAINT_FSR_BEST
    out = np.zeros_like(image)
    t0 = time.perf_counter()
    cv2.xphoto.inpaint(image, valid, out, flag)
    return out, "INPAINT_FSR_FAST" if method == "fsr_fast" else "INPAINT_FSR_BEST", time.perf_counter() - t0


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--method=")]
    methods = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--method=")]
    method = methods[-1] if methods else "telea"
    if len(args) not in (3, 4) or method not in METHODS:
        sys.stderr.write(__doc__)
        return 2
    image_path, mask_path, out_path = args[:3]
    radius = float(args[3]) if len(args) == 4 else 3.0
    image = cv2.imread(image_path, cv2.IMREAD_COLOR)
    mask = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE)
    if image is None or mask is None:
        sys.stderr.write(f"cannot read {image_path if image is None else mask_path}\n")
        return 2
    if image.shape[:2] != mask.shape[:2]:
        sys.stderr.write(f"image is {image.shape[1]}x{image.shape[0]} but mask is {mask.shape[1]}x{mask.shape[0]}\n")
        return 2
    hole = (mask > 0).astype("uint8") * 255
    cv2.setNumThreads(1)  # the embedded fills run on one core; compare like with like
    result, name, seconds = run(method, image, hole, radius)
    if not cv2.imwrite(out_path, result):
        sys.stderr.write(f"cannot write {out_path}\n")
        return 1
    print(json.dumps({
        "seconds": seconds,
        "width": int(image.shape[1]),
        "height": int(image.shape[0]),
        "radius": radius,
        "method": name,
        "opencv": cv2.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
