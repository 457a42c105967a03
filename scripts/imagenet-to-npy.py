#!/usr/bin/env python3
"""ImageNet validation JPEGs -> the folder `chimera --model efficientnet-v2-s --data-dir` reads.

Run it where the data is (ImageNet cannot be downloaded on the lab's machines), with torchvision installed
(Debian: python3-torchvision):

    python3 scripts/imagenet-to-npy.py --val-dir ~/imagenet/val --out ~/imagenet-384            # every image
    python3 scripts/imagenet-to-npy.py --val-dir ~/imagenet/val --out part-1 --start 0 --count 1000

--val-dir is in torchvision's ImageFolder layout: one folder per class, named by its WordNet id (n01440764, ...), the
JPEGs inside; a class's index is its folder's place in sorted order, torchvision's own class order. Each image goes
through EfficientNet_V2_S_Weights.IMAGENET1K_V1's eval transform up to the bytes: RGB, resize the shorter side to 384
(bilinear), centre crop 384x384; the division by 255 and the normalisation are the lab's model's own first steps.
Writes, in --out:
  images.npy  uint8 [N, 3, 384, 384]     labels.npy  int64 [N]     files.txt  the source of each image, in order
Images are taken in sorted (class, file name) order, from --start, at most --count of them.
"""
import argparse
import os
import sys

import numpy as np

SIZE = 384  # EfficientNet_V2_S_Weights.IMAGENET1K_V1: resize_size = crop_size = 384, bilinear


def listing(val_dir):
    classes = sorted(d for d in os.listdir(val_dir) if os.path.isdir(os.path.join(val_dir, d)))
    if not classes:
        sys.exit(f"imagenet-to-npy: {val_dir} has no class folders; expected torchvision's ImageFolder layout (one folder per class)")
    files = []
    for index, wnid in enumerate(classes):
        folder = os.path.join(val_dir, wnid)
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith((".jpeg", ".jpg", ".png")):
                files.append((os.path.join(folder, name), index))
    return classes, files


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--val-dir", required=True, help="ImageFolder layout: one folder per class (WordNet id), JPEGs inside")
    p.add_argument("--out", required=True, help="folder to write images.npy, labels.npy and files.txt into")
    p.add_argument("--start", type=int, default=0, help="first image (in sorted class, file order) to take")
    p.add_argument("--count", type=int, default=None, help="at most this many images (default: all from --start)")
    a = p.parse_args()
    try:
        from PIL import Image
        from torchvision.transforms import InterpolationMode
        from torchvision.transforms import functional as F
    except ImportError as e:
        sys.exit(f"imagenet-to-npy: needs torchvision and Pillow ({e}): apt-get install -y --no-install-recommends python3-torchvision")
    if a.start < 0 or (a.count is not None and a.count < 1):
        sys.exit(f"imagenet-to-npy: --start {a.start} --count {a.count}: expected --start >= 0 and --count >= 1")
    if not os.path.isdir(a.val_dir):
        sys.exit(f"imagenet-to-npy: --val-dir {a.val_dir} is not a folder")
    classes, files = listing(a.val_dir)
    if len(classes) != 1000:
        print(f"imagenet-to-npy: warning: {len(classes)} class folders, not ImageNet's 1000; indices follow their sorted order", file=sys.stderr)
    chosen = files[a.start:None if a.count is None else a.start + a.count]
    if not chosen:
        sys.exit(f"imagenet-to-npy: no images from --start {a.start} ({len(files)} images in {a.val_dir})")
    os.makedirs(a.out, exist_ok=True)
    images = np.lib.format.open_memmap(os.path.join(a.out, "images.npy"), mode="w+", dtype=np.uint8, shape=(len(chosen), 3, SIZE, SIZE))
    labels = np.empty(len(chosen), dtype=np.int64)
    for i, (path, index) in enumerate(chosen):
        with Image.open(path) as img:
            x = F.center_crop(F.resize(img.convert("RGB"), SIZE, interpolation=InterpolationMode.BILINEAR), SIZE)
            images[i] = F.pil_to_tensor(x).numpy()
        labels[i] = index
        if (i + 1) % 500 == 0 or i + 1 == len(chosen):
            print(f"imagenet-to-npy: {i + 1}/{len(chosen)}", file=sys.stderr)
    images.flush()
    np.save(os.path.join(a.out, "labels.npy"), labels)
    with open(os.path.join(a.out, "files.txt"), "w") as f:
        f.writelines(f"{os.path.relpath(path, a.val_dir)}\t{index}\n" for path, index in chosen)
    print(f"wrote {len(chosen)} images to {a.out} (images.npy, labels.npy, files.txt)")


main()
