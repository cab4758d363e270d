"""Wrong: a reader that trusts the file: right on good files, but struct.error / odd errors without an
offset on bad ones (and it would try to read a 10^12-element array)."""

import struct

import numpy as np

EXPECTED_HINT = "a corrupt file must raise ValueError"

TYPES = {
    "uint8": 0,
    "int8": 1,
    "uint16": 2,
    "int16": 3,
    "uint32": 4,
    "int32": 5,
    "float32": 6,
    "bool": 7,
    "string": 8,
    "array": 9,
    "uint64": 10,
    "int64": 11,
    "float64": 12,
}
NAMES = {v: k for k, v in TYPES.items()}
FMT = {
    "uint8": "<B",
    "int8": "<b",
    "uint16": "<H",
    "int16": "<h",
    "uint32": "<I",
    "int32": "<i",
    "float32": "<f",
    "bool": "<B",
    "uint64": "<Q",
    "int64": "<q",
    "float64": "<d",
}
GGML = {0: np.float32, 1: np.float16, 24: np.int8, 25: np.int16, 26: np.int32, 27: np.int64, 28: np.float64}
TO_GGML = {np.dtype(v): k for k, v in GGML.items()}


def _s(text):
    b = text.encode()
    return struct.pack("<Q", len(b)) + b


def _v(kind, value):
    if kind == "string":
        return _s(value)
    if kind == "array":
        return struct.pack("<IQ", TYPES[value[0]], len(value[1])) + b"".join(_v(value[0], x) for x in value[1])
    return struct.pack(FMT[kind], int(value) if kind == "bool" else value)


def gguf_bytes(metadata, tensors):
    align = metadata.get("general.alignment", ("uint32", 32))[1]
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)))
    for key, (kind, value) in metadata.items():
        out += _s(key) + struct.pack("<I", TYPES[kind]) + _v(kind, value)
    blobs, offset = [], 0
    for name, a in tensors.items():
        a = np.asarray(a, order="C")
        out += _s(name) + struct.pack("<I", a.ndim) + b"".join(struct.pack("<Q", d) for d in a.shape[::-1])
        out += struct.pack("<IQ", TO_GGML[a.dtype], offset)
        blob = a.tobytes()
        blobs.append(blob + bytes(-len(blob) % align))
        offset += len(blobs[-1])
    out += bytes(-len(out) % align)
    return bytes(out) + b"".join(blobs)


def parse_gguf(data):
    pos = 0

    def read(fmt):
        nonlocal pos
        value = struct.unpack_from(fmt, data, pos)[0]
        pos += struct.calcsize(fmt)
        return value

    def string():
        nonlocal pos
        n = read("<Q")
        pos += n
        return bytes(data[pos - n : pos]).decode()

    def value(kind):
        if kind == "string":
            return string()
        if kind == "array":
            elem, n = NAMES[read("<I")], read("<Q")
            return elem, [value(elem) for _ in range(n)]
        v = read(FMT[kind])
        return bool(v) if kind == "bool" else v

    assert data[:4] == b"GGUF"
    pos = 4
    read("<I")
    n_tensors, n_kv = read("<Q"), read("<Q")
    metadata = {}
    for _ in range(n_kv):
        key = string()
        kind = NAMES[read("<I")]
        metadata[key] = (kind, value(kind))
    align = metadata.get("general.alignment", ("uint32", 32))[1]
    infos = []
    for _ in range(n_tensors):
        name = string()
        dims = [read("<Q") for _ in range(read("<I"))]
        infos.append((name, dims, read("<I"), read("<Q")))
    start = pos + (-pos % align)
    tensors = {}
    for name, dims, kind, offset in infos:
        dtype = np.dtype(GGML[kind])
        count = int(np.prod(dims)) if dims else 1
        tensors[name] = np.frombuffer(data, dtype=dtype, count=count, offset=start + offset).reshape(dims[::-1]).copy()
    return metadata, tensors
