"""A GGUF reader and writer: header, typed metadata, tensor infos, aligned tensor data.

Follows the GGUF specification, version 3, in the ggml repository: docs/gguf.md (read at
ggml-org/ggml commit 01f0d4da3e444ca2bfe705e72adab08a4394bb1d). Little-endian throughout:

    header        magic b"GGUF" | uint32 version (3) | uint64 tensor_count | uint64 metadata_kv_count
    metadata_kv   per pair: string key | uint32 value_type | value
                  string = uint64 byte length + UTF-8 bytes (no NUL); array = uint32 element type
                  + uint64 count + the elements (arrays may nest); bool = one byte, 0 or 1
    tensor_info   per tensor: string name | uint32 n_dims | uint64 dims[n_dims] | uint32 ggml_type
                  | uint64 offset (relative to the start of tensor data, a multiple of ALIGNMENT)
    padding       0x00 up to a multiple of ALIGNMENT (general.alignment, uint32, default 32)
    tensor_data   each tensor's bytes at its offset, zero-padded to ALIGNMENT

dims are ggml's ne[], fastest-varying first: a NumPy (rows, cols) array is written as [cols, rows]
(as gguf-py's GGUFWriter does). Alignment lets a loader mmap the file and use the tensors in place.

Metadata here is typed, because GGUF is: {key: (type, value)} with type one of the 13 names in
VALUE_TYPES, and an array value being (element type, [values]), e.g.
    {"general.architecture": ("string", "llama"), "general.alignment": ("uint32", 32),
     "tokenizer.ggml.tokens": ("array", ("string", ["<s>", "a"]))}

The reader trusts nothing (1.4's security point: parsers of model files are attack surface): every
read is bounds-checked, counts are checked against the bytes left before anything is allocated, and a
bad file raises GGUFError (a ValueError) with one line naming the byte offset: the start of the field
that is wrong or runs past the end (bad magic: 0, version: 4), or for tensor data past the end of
the file, the absolute offset where that tensor's data starts.

Plain Python and NumPy (no torch), beside the other Module 1.x references. Limits: writes F32, F16,
F64 and I8-I64 tensors; reads those as NumPy arrays and the quantized ones (Q4_0 ... Q8_K, BF16) as
their raw bytes (uint8); little-endian files only (v3 allows big-endian, with no flag to tell); keys
are not checked against the naming rules.
"""

import struct

import numpy as np

MAGIC, VERSION, DEFAULT_ALIGNMENT = b"GGUF", 3, 32
VALUE_TYPES = {
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
TYPE_NAMES = {v: k for k, v in VALUE_TYPES.items()}
SCALARS = {
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
# ggml_type -> (name, elements per block, bytes per block, NumPy dtype for plain types)
GGML_TYPES = {
    0: ("F32", 1, 4, np.float32),
    1: ("F16", 1, 2, np.float16),
    2: ("Q4_0", 32, 18, None),
    3: ("Q4_1", 32, 20, None),
    6: ("Q5_0", 32, 22, None),
    7: ("Q5_1", 32, 24, None),
    8: ("Q8_0", 32, 34, None),
    9: ("Q8_1", 32, 36, None),
    10: ("Q2_K", 256, 84, None),
    11: ("Q3_K", 256, 110, None),
    12: ("Q4_K", 256, 144, None),
    13: ("Q5_K", 256, 176, None),
    14: ("Q6_K", 256, 210, None),
    15: ("Q8_K", 256, 292, None),
    24: ("I8", 1, 1, np.int8),
    25: ("I16", 1, 2, np.int16),
    26: ("I32", 1, 4, np.int32),
    27: ("I64", 1, 8, np.int64),
    28: ("F64", 1, 8, np.float64),
    30: ("BF16", 1, 2, None),
}
DTYPE_TO_GGML = {np.dtype(dt): t for t, (_, _, _, dt) in GGML_TYPES.items() if dt is not None}


class GGUFError(ValueError):
    """A file that is not valid GGUF v3; the message names the byte offset."""


def align(offset, alignment):
    return offset + (alignment - offset % alignment) % alignment


# -- writing ------------------------------------------------------------------------------------------


def _string(text):
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value(kind, value):
    if kind == "string":
        return _string(value)
    if kind == "array":
        elem_kind, items = value
        return struct.pack("<IQ", VALUE_TYPES[elem_kind], len(items)) + b"".join(_value(elem_kind, v) for v in items)
    return struct.pack(SCALARS[kind], int(value) if kind == "bool" else value)


def gguf_bytes(metadata, tensors):
    """The bytes of a GGUF v3 file: metadata {key: (type, value)}, tensors {name: ndarray} in order."""
    alignment = metadata.get("general.alignment", ("uint32", DEFAULT_ALIGNMENT))[1]
    out = bytearray(MAGIC + struct.pack("<IQQ", VERSION, len(tensors), len(metadata)))
    for key, (kind, value) in metadata.items():
        out += _string(key) + struct.pack("<I", VALUE_TYPES[kind]) + _value(kind, value)
    offset, blobs = 0, []
    for name, array in tensors.items():
        array = np.asarray(array, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
        out += _string(name) + struct.pack("<I", array.ndim)
        out += b"".join(struct.pack("<Q", d) for d in reversed(array.shape))  # ggml order: fastest first
        out += struct.pack("<IQ", DTYPE_TO_GGML[array.dtype], offset)
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        blobs.append(blob + bytes(align(len(blob), alignment) - len(blob)))
        offset += len(blobs[-1])
    out += bytes(align(len(out), alignment) - len(out))  # tensor data starts aligned
    return bytes(out + b"".join(blobs))


def write_gguf(path, metadata, tensors):
    with open(path, "wb") as fh:
        fh.write(gguf_bytes(metadata, tensors))


# -- reading ------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data):
        self.data, self.pos = memoryview(data), 0

    def take(self, n, what):
        if n > len(self.data) - self.pos:
            raise GGUFError(
                f"truncated at byte offset {self.pos}: {what} needs {n} bytes, "
                f"{len(self.data) - self.pos} left (file size {len(self.data)})"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def scalar(self, kind, what):
        return struct.unpack(SCALARS[kind], self.take(struct.calcsize(SCALARS[kind]), what))[0]

    def string(self, what):
        start = self.pos
        raw = self.take(self.scalar("uint64", f"{what}'s length"), what)
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise GGUFError(f"{what} at byte offset {start} is not valid UTF-8") from None

    def value(self, kind, what):
        if kind == "string":
            return self.string(what)
        if kind == "array":
            start = self.pos
            elem_kind = self.value_type(f"{what}'s element type")
            count = self.scalar("uint64", f"{what}'s length")
            smallest = 8 if elem_kind in ("string", "array") else struct.calcsize(SCALARS[elem_kind])
            if count * smallest > len(self.data) - self.pos:  # before allocating anything
                raise GGUFError(
                    f"array at byte offset {start} claims {count} elements, more than the "
                    f"{len(self.data) - self.pos} bytes left can hold"
                )
            return elem_kind, [self.value(elem_kind, f"{what}[{i}]") for i in range(count)]
        start = self.pos
        v = self.scalar(kind, what)
        if kind == "bool":
            if v not in (0, 1):
                raise GGUFError(f"bool at byte offset {start} is {v}, not 0 or 1")
            return bool(v)
        return v

    def value_type(self, what):
        start = self.pos
        t = self.scalar("uint32", what)
        if t not in TYPE_NAMES:
            raise GGUFError(f"unknown metadata value type {t} at byte offset {start}")
        return TYPE_NAMES[t]


def parse_gguf(data):
    """(metadata {key: (type, value)}, tensors {name: ndarray}) from the bytes of a GGUF v3 file."""
    r = _Reader(data)
    magic = bytes(r.take(4, "the magic"))
    if magic != MAGIC:
        raise GGUFError(f"not a GGUF file: magic {magic!r} at byte offset 0, expected {MAGIC!r}")
    version = r.scalar("uint32", "the version")
    if version != VERSION:
        raise GGUFError(f"unsupported GGUF version {version} at byte offset 4 (this reader reads {VERSION})")
    n_tensors = r.scalar("uint64", "the tensor count")
    n_kv = r.scalar("uint64", "the metadata count")
    metadata, alignment = {}, DEFAULT_ALIGNMENT
    for i in range(n_kv):
        start = r.pos
        key = r.string(f"metadata key {i}")
        if key in metadata:
            raise GGUFError(f"duplicate metadata key {key!r} at byte offset {start}")
        kind = r.value_type(f"the type of {key!r}")
        value_at = r.pos
        metadata[key] = (kind, r.value(kind, f"the value of {key!r}"))
        if key == "general.alignment":
            alignment = metadata[key][1]
            if kind != "uint32" or alignment == 0 or alignment % 8:
                raise GGUFError(
                    f"general.alignment at byte offset {value_at} must be a uint32 multiple of 8, "
                    f"got {kind} {alignment}"
                )
    infos = []
    for i in range(n_tensors):
        start = r.pos
        name = r.string(f"tensor name {i}")
        dims_at = r.pos
        n_dims = r.scalar("uint32", f"the n_dims of {name!r}")
        if n_dims > 4:
            raise GGUFError(f"tensor {name!r}: n_dims {n_dims} at byte offset {dims_at}, at most 4")
        dims = [r.scalar("uint64", f"dimension {d} of {name!r}") for d in range(n_dims)]
        type_at = r.pos
        ggml_type = r.scalar("uint32", f"the ggml type of {name!r}")
        if ggml_type not in GGML_TYPES:
            raise GGUFError(f"tensor {name!r}: unknown ggml type {ggml_type} at byte offset {type_at}")
        offset_at = r.pos
        offset = r.scalar("uint64", f"the offset of {name!r}")
        if offset % alignment:
            raise GGUFError(
                f"tensor {name!r}: offset {offset} at byte offset {offset_at} is not a multiple "
                f"of the alignment {alignment}"
            )
        if any(info[0] == name for info in infos):
            raise GGUFError(f"duplicate tensor name {name!r} at byte offset {start}")
        infos.append((name, dims, ggml_type, offset))
    data_start = align(r.pos, alignment)
    tensors = {}
    for name, dims, ggml_type, offset in infos:
        kind, block, block_bytes, dtype = GGML_TYPES[ggml_type]
        n = int(np.prod(dims, dtype=np.uint64)) if dims else 1
        if n % block:
            raise GGUFError(f"tensor {name!r}: {n} elements is not a whole number of {kind} blocks of {block}")
        nbytes, start = n // block * block_bytes, data_start + offset
        if start + nbytes > len(data):
            raise GGUFError(
                f"tensor {name!r}: data at byte offset {start} needs {nbytes} bytes, past the end "
                f"of the file ({len(data)} bytes)"
            )
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=start)
        if dtype is None:  # quantized: the raw blocks
            tensors[name] = raw.copy()
        else:  # little-endian in the file, native in memory; shape back in NumPy order
            tensors[name] = raw.view(np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(dims[::-1])
    return metadata, tensors


def read_gguf(path):
    with open(path, "rb") as fh:
        return parse_gguf(fh.read())
