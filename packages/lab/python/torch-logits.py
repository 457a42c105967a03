"""Real PyTorch as the oracle: a model's logits on 8-bit images, batch 1, in this process's BLAS.

Run by `chimera verify` (packages/lab/src/torch-oracle.ts) as Debian's /usr/bin/python3 with
LD_LIBRARY_PATH naming the folder whose libblas.so.3 PyTorch's Fortran sgemm_ calls should reach.
Reads one JSON request on stdin:
  {"model": "fmnist-mlp", "weights": "/path/w.safetensors", "shape": [1, 28, 28],
   "images": "<base64 of count * prod(shape) uint8 bytes>", "mkldnn": false}
and writes one JSON answer on stdout:
  {"torch": version, "sgemm": file sgemm_ resolves to from libtorch_cpu, "mapped": BLAS files mapped,
   "corename": openblas_get_corename() or null, "blisArch": BLIS arch or null,
   "logits": "<base64 of count * classes float32, little-endian>", "classes": n}
Errors go to stderr with exit code 2. The weights are read from the safetensors bytes here (no
safetensors package): an 8-byte little-endian header length, a JSON header, then raw tensors.
"""
import base64
import ctypes
import json
import os
import struct
import sys

import torch
import torch.nn as nn


def fail(message):
    sys.stderr.write(f"torch-logits: {message}\n")
    sys.exit(2)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_len])
    base = 8 + header_len
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if info["dtype"] not in dtypes:
            fail(f"{path}: tensor {key} has dtype {info['dtype']}; expected one of {sorted(dtypes)}")
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(raw[base + start:base + end]), dtype=dtypes[info["dtype"]])
        out[key] = t.reshape(info["shape"]).to(torch.float32)
    return out


class Vgg(nn.Module):
    """Table A1's VGG (packages/tensor/src/models/cifar-vgg.ts): `features` then Flatten then `classifier`."""

    def __init__(self, in_channels, width, hidden):
        super().__init__()
        layers, cin = [], in_channels
        for _ in range(3):
            for _ in range(2):
                layers += [nn.Conv2d(cin, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                cin = width
            layers.append(nn.MaxPool2d(3))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(hidden, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Normalized(nn.Module):
    """torchvision's ImageNet Normalize, then the model: the lab's efficientnet-v2-s takes bytes / 255 and normalises
    inside (packages/tensor/src/models/efficientnet-v2-s.ts). The state_dict is the inner model's, key for key."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        from torchvision.transforms.functional import normalize
        return self.model(normalize(x, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]))

    def load_state_dict(self, state, strict=True):
        return self.model.load_state_dict(state, strict=strict)


def build(name):
    # The lab's zoo (packages/lab/src/model-zoo.ts), with PyTorch's own modules and state_dict names.
    if name == "fmnist-mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "fmnist-vgg":
        return Vgg(1, 32, 128)
    if name == "cifar-vgg":
        return Vgg(3, 128, 512)
    if name == "efficientnet-v2-s":
        try:
            from torchvision.models import efficientnet_v2_s
        except ImportError as e:
            fail(f"efficientnet-v2-s needs torchvision ({e}): apt-get install -y --no-install-recommends python3-torchvision")
        return Normalized(efficientnet_v2_s(weights=None))
    fail(f'unknown model "{name}"; this script knows fmnist-mlp, fmnist-vgg, cifar-vgg, efficientnet-v2-s')


class DlInfo(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]


def sgemm_file():
    """The file whose sgemm_ libtorch_cpu's lookup scope finds (dlsym on its handle, then dladdr)."""
    torch_cpu = next((p for p in mapped_files() if "libtorch_cpu.so" in p), None)
    if torch_cpu is None:
        return None
    addr = ctypes.cast(ctypes.CDLL(torch_cpu).sgemm_, ctypes.c_void_p).value
    info = DlInfo()
    libc = ctypes.CDLL("libc.so.6")
    if not libc.dladdr(ctypes.c_void_p(addr), ctypes.byref(info)):
        return None
    return os.path.realpath(info.fname.decode())


def mapped_files():
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "/" in line}
    return sorted(paths)


def library_report(sgemm):
    corename = arch = None
    if sgemm:
        lib = ctypes.CDLL(sgemm)
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            corename = lib.openblas_get_corename().decode()
        if hasattr(lib, "bli_arch_query_id"):
            lib.bli_arch_string.restype = ctypes.c_char_p
            arch = lib.bli_arch_string(lib.bli_arch_query_id()).decode()
    return corename, arch


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(1)
    # Convolutions through im2col + sgemm_ (the lab's --conv blas), unless the request asks for oneDNN
    # (PyTorch's default, the same code for every BLAS: the lab's --conv shared). Linear is BLAS either way.
    torch.backends.mkldnn.enabled = bool(req.get("mkldnn", False))
    model = build(req["model"])
    state = read_safetensors(req["weights"])
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        fail(f"{req['weights']} does not fit {req['model']}: {e}")
    model.eval()
    shape = [int(s) for s in req["shape"]]
    size = 1
    for s in shape:
        size *= s
    images = base64.b64decode(req["images"])
    if len(images) % size:
        fail(f"{len(images)} image bytes are not a whole number of {size}-byte images")
    chunks = []
    classes = None
    with torch.no_grad():
        for i in range(len(images) // size):
            x = torch.frombuffer(bytearray(images[i * size:(i + 1) * size]), dtype=torch.uint8)
            # uint8 / 255 in float32 (one correctly rounded division), one image per call (batch 1).
            x = (x.to(torch.float32) / 255).reshape([1] + shape)
            z = model(x).reshape(-1).contiguous()
            classes = z.numel()
            chunks.append(z.numpy().astype("<f4").tobytes())
    sgemm = sgemm_file()
    corename, arch = library_report(sgemm)
    blas = [p for p in mapped_files() if any(w in os.path.basename(p) for w in ("blas", "blis", "mkl", "atlas"))]
    json.dump({
        "torch": torch.__version__, "sgemm": sgemm, "mapped": blas, "corename": corename, "blisArch": arch,
        "classes": classes, "logits": base64.b64encode(b"".join(chunks)).decode(),
    }, sys.stdout)


main()
