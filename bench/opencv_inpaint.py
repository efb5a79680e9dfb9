#!/usr/bin/python3
"""OpenCV's classical inpainting, as the reference the embedded fills are compared with.

    /usr/bin/python3 bench/opencv_inpaint.py IMAGE.png MASK.png OUT.png [RADIUS]

Runs cv2.inpaint with INPAINT_TELEA (Telea 2004, fast marching) and a neighbourhood radius of 3 px
(OpenCV's documented example value and the usual choice; larger radii blur more), on the 8-bit BGR image
and the mask (any non-zero pixel = hole), on one thread. Writes the result as PNG and prints one JSON line:
{"seconds": <time of the cv2.inpaint call alone>, "width": W, "height": H, "radius": 3,
 "method": "INPAINT_TELEA", "opencv": "<version>"}.

Needs Debian's python3-opencv, which is installed for /usr/bin/python3 (a pyenv `python3` on PATH may
not have cv2), hence the explicit interpreter.
"""
import json
import sys
import time

import cv2


def main() -> int:
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    image_path, mask_path, out_path = sys.argv[1:4]
    radius = float(sys.argv[4]) if len(sys.argv) == 5 else 3.0
    image = cv2.imread(image_path, cv2.IMREAD_COLOR)
    mask = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE)
    if image is None or mask is None:
        sys.stderr.write(f"cannot read {image_path if image is None else mask_path}\n")
        return 2
    if image.shape[:2] != mask.shape[:2]:
        sys.stderr.write(f"image is {image.shape[1]}x{image.shape[0]} but mask is {mask.shape[1]}x{mask.shape[0]}\n")
        return 2
    mask = (mask > 0).astype("uint8") * 255
    cv2.setNumThreads(1)  # the embedded fills run on one core; compare like with like
    t0 = time.perf_counter()
    result = cv2.inpaint(image, mask, radius, cv2.INPAINT_TELEA)
    seconds = time.perf_counter() - t0
    if not cv2.imwrite(out_path, result):
        sys.stderr.write(f"cannot write {out_path}\n")
        return 1
    print(json.dumps({
        "seconds": seconds,
        "width": int(image.shape[1]),
        "height": int(image.shape[0]),
        "radius": radius,
        "method": "INPAINT_TELEA",
        "opencv": cv2.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
