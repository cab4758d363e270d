"""Wrong: writes (and reads) the dims in NumPy order instead of ggml's: round trips, but not GGUF."""

import struct

import numpy as np

from reference_impls.torch.gguf import (  # noqa: F401 - as in the reference
    DEFAULT_ALIGNMENT,
    DTYPE_TO_GGML,
    GGML_TYPES,
    MAGIC,
    VALUE_TYPES,
    VERSION,
    GGUFError,
    _Reader,
    _string,
    _value,
    align,
)

EXPECTED_HINT = "dims written in NumPy order"
ALSO_APPLIES = ("the right numbers in another shape", "part of the output is right")


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
        out += b"".join(struct.pack("<Q", d) for d in array.shape)  # the mistake: NumPy order
        out += struct.pack("<IQ", DTYPE_TO_GGML[array.dtype], offset)
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        blobs.append(blob + bytes(align(len(blob), alignment) - len(blob)))
        offset += len(blobs[-1])
    out += bytes(align(len(out), alignment) - len(out))  # tensor data starts aligned
    return bytes(out + b"".join(blobs))


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
            tensors[name] = raw.view(np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(dims)
    return metadata, tensors
