#!/usr/bin/env python3
"""torchvision's EfficientNetV2-S weights -> a safetensors file `chimera --model efficientnet-v2-s --weights` reads.

Run it where torchvision and its weights are (they cannot be downloaded on the lab's machines):

    python3 scripts/efficientnet-to-safetensors.py OUT.safetensors                 # torchvision downloads IMAGENET1K_V1
    python3 scripts/efficientnet-to-safetensors.py OUT.safetensors --pth FILE.pth  # a saved state_dict instead

Writes every state_dict entry under torchvision's own key (features.4.0.block.2.fc1.weight, classifier.1.weight, ...)
as float32 (num_batches_tracked, an int64 counter, becomes float32 too: the lab reads floating-point tensors only),
little-endian, in the safetensors layout: an 8-byte little-endian header length, a JSON header, then the raw bytes.
No safetensors package is needed. The lab checks keys and shapes when it loads the file (loadStateDict names every
missing, unexpected or mis-shaped key), so a file from another architecture is refused, not misread.
"""
import argparse
import json
import struct
import sys

import torch


def state_dict(pth):
    if pth:
        sd = torch.load(pth, map_location="cpu")
        return sd.get("state_dict", sd) if isinstance(sd, dict) else sd.state_dict()
    try:
        from torchvision.models import EfficientNet_V2_S_Weights, efficientnet_v2_s
    except ImportError as e:
        sys.exit(f"efficientnet-to-safetensors: torchvision is not installed ({e}); install it, or pass --pth FILE")
    return efficientnet_v2_s(weights=EfficientNet_V2_S_Weights.IMAGENET1K_V1).state_dict()


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for key in sorted(tensors):
        t = tensors[key].detach().to(torch.float32).contiguous().cpu()
        raw = t.numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # the header is padded to 8 bytes, as the safetensors writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--pth", help="a torch.save'd state_dict of torchvision.models.efficientnet_v2_s")
    a = p.parse_args()
    sd = state_dict(a.pth)
    n = sum(v.numel() for k, v in sd.items() if not k.endswith(("running_mean", "running_var", "num_batches_tracked")))
    if n != 21458488:
        sys.exit(f"efficientnet-to-safetensors: {n} parameters, expected EfficientNetV2-S's 21,458,488 (torchvision efficientnet_v2_s)")
    write_safetensors(a.out, sd, {"model": "efficientnet-v2-s", "source": a.pth or "torchvision IMAGENET1K_V1"})
    print(f"wrote {len(sd)} tensors ({n} parameters) to {a.out}")


main()
