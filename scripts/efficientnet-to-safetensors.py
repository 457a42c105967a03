#!/usr/bin/env python3
"""torchvision's EfficientNetV2-S weights -> a safetensors file `chimera --model efficientnet-v2-s --weights` reads.

Run it where torchvision and its weights are (they cannot be downloaded on the lab's machines):

    python3 scripts/efficientnet-to-safetensors.py OUT.safetensors                 # torchvision downloads IMAGENET1K_V1
    python3 scripts/efficientnet-to-safetensors.py OUT.safetensors --pth FILE.pth  # a saved state_dict instead
    python3 scripts/efficientnet-to-safetensors.py OUT.safetensors --random-init 0 # torchvision's architecture, seeded
                                                                                   # random weights (no download): the
                                                                                   # lab's PyTorch check of its forward pass

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


def random_state_dict(seed):
    """torchvision's efficientnet_v2_s with its own initialisation under torch.manual_seed(seed), then every
    BatchNorm's affine parameters and running statistics drawn too (torchvision starts them at 1, 0, 0, 1,
    which would leave a wrong mapping of those four tensors unseen by a check of the forward pass)."""
    try:
        from torchvision.models import efficientnet_v2_s
    except ImportError as e:
        sys.exit(f"efficientnet-to-safetensors: torchvision is not installed ({e}): "
                 "apt-get install -y --no-install-recommends python3-torchvision")
    torch.manual_seed(seed)
    model = efficientnet_v2_s(weights=None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    return model.state_dict()


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
    p.add_argument("--random-init", type=int, metavar="SEED",
                   help="no trained weights: torchvision's architecture with seeded random weights and BatchNorm statistics")
    a = p.parse_args()
    if a.pth and a.random_init is not None:
        sys.exit("efficientnet-to-safetensors: --pth and --random-init exclude each other; give one")
    if a.random_init is not None and a.random_init < 0:
        sys.exit(f"efficientnet-to-safetensors: --random-init {a.random_init}: expected a seed >= 0")
    sd = random_state_dict(a.random_init) if a.random_init is not None else state_dict(a.pth)
    n = sum(v.numel() for k, v in sd.items() if not k.endswith(("running_mean", "running_var", "num_batches_tracked")))
    if n != 21458488:
        sys.exit(f"efficientnet-to-safetensors: {n} parameters, expected EfficientNetV2-S's 21,458,488 (torchvision efficientnet_v2_s)")
    source = f"torchvision efficientnet_v2_s, random init seed {a.random_init}" if a.random_init is not None else a.pth or "torchvision IMAGENET1K_V1"
    write_safetensors(a.out, sd, {"model": "efficientnet-v2-s", "source": source})
    print(f"wrote {len(sd)} tensors ({n} parameters) to {a.out}")


main()
