"""Exercise: a GGUF v3 writer and reader: header, typed metadata, tensor infos, alignment; corrupt files rejected."""

import re
import struct

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.torch import gguf as reference

ALL_TYPES = {
    "t.u8": ("uint8", 255),
    "t.i8": ("int8", -128),
    "t.u16": ("uint16", 65535),
    "t.i16": ("int16", -32768),
    "t.u32": ("uint32", 2**32 - 1),
    "t.i32": ("int32", -(2**31)),
    "t.f32": ("float32", 0.5),
    "t.bool": ("bool", True),
    "t.str": ("string", "Grüße 🙂"),
    "t.u64": ("uint64", 2**64 - 1),
    "t.i64": ("int64", -(2**63)),
    "t.f64": ("float64", 0.1),
    "t.arr": ("array", ("string", ["<s>", "</s>", ""])),
}


def _tensors(seed):
    rng = np.random.default_rng(seed)
    return {
        "token_embd.weight": rng.standard_normal((5, 3)).astype(np.float32),
        "blk.0.attn_norm.weight": rng.standard_normal(7).astype(np.float16),
        "ids": np.arange(6, dtype=np.int32).reshape(2, 3),
    }


FILES = [
    ("header_only", {}, {}, "no metadata, no tensors: 24 bytes"),
    ("all_13_value_types", ALL_TYPES, {}, "every value type once, strings as UTF-8 with a uint64 length"),
    (
        "nested_arrays",
        {"a.b": ("array", ("array", [("uint8", [1, 2, 3]), ("float64", [0.5]), ("bool", [])]))},
        {},
        "an array of arrays of different element types, one empty",
    ),
    (
        "tensors_aligned_32",
        {"general.architecture": ("string", "llama")},
        "tensors",
        "dims in ggml order (reversed), offsets relative to the data section, each tensor padded to 32",
    ),
    (
        "alignment_64",
        {"general.alignment": ("uint32", 64), "general.name": ("string", "tiny")},
        "tensors",
        "general.alignment = 64: padding and offsets to multiples of 64",
    ),
    (
        "many_empty_strings",
        {"tokenizer.ggml.tokens": ("array", ("string", [""] * 40))},
        {},
        "40 empty strings at the end: each is just its 8-byte length, so the array fills the bytes left exactly",
    ),
    (
        "scalar_and_empty_tensors",
        {},
        {"s": np.array(1.5, dtype=np.float64), "e": np.zeros((0, 4), np.int8)},
        "a 0-d tensor (n_dims 0) and an empty one (0 bytes of data)",
    ),
]


def file_cases():
    for k, (name, metadata, tensors, note) in enumerate(FILES):
        yield Case(name, (metadata, _tensors(3000 + k) if tensors == "tensors" else tensors), seed=3000 + k, note=note)


def _write(impl, metadata, tensors):
    """The learner's bytes, as a uint8 array: the comparison names the first byte that differs."""
    return np.frombuffer(bytes(impl.gguf_bytes(metadata, tensors)), dtype=np.uint8).copy()


def _plain(metadata):
    """Typed values with tuples as lists and float32 metadata as the float32 it became."""

    def value(kind, v):
        if kind == "array":
            return ["array", [v[0], [value(v[0], x) for x in v[1]]]]
        return float(np.float32(v)) if kind == "float32" else v

    return {k: [kind, value(kind, v)] for k, (kind, v) in metadata.items()}


def _read(impl, metadata, tensors):
    """The learner's parse_gguf on the REFERENCE's bytes."""
    md, ts = impl.parse_gguf(reference.gguf_bytes(metadata, tensors))
    return {"metadata": _plain(md), "tensors": {k: np.asarray(v) for k, v in ts.items()}}


def _round_trip(impl, metadata, tensors):
    md, ts = impl.parse_gguf(impl.gguf_bytes(metadata, tensors))
    return {"metadata": _plain(md), "tensors": {k: np.asarray(v) for k, v in ts.items()}}


# -- corrupt files: the learner's reader must raise ValueError naming the byte offset ------------------


def _corrupt(data, at, new):
    return data[:at] + new + data[at + len(new) :]


def corrupt_cases():
    good = reference.gguf_bytes(
        {"general.architecture": ("string", "x"), "a.list": ("array", ("int32", [1, 2, 3]))},
        {"w": np.arange(12, dtype=np.float32).reshape(3, 4)},
    )
    key1 = 24 + 8 + len("general.architecture") + 4 + 8 + 1  # where the second key starts
    info_end = good.index(b"w", 80) + 1 + 4 + 16 + 4 + 8  # the end of the tensor info (its offset field is last)
    data_start = -(-info_end // 32) * 32
    for name, data, offset, note in [
        ("bad_magic", _corrupt(good, 0, b"GGML"), 0, "not GGUF: the magic at offset 0"),
        ("version_2", _corrupt(good, 4, struct.pack("<I", 2)), 4, "only version 3 is read: the version at offset 4"),
        ("truncated_header", good[:20], 16, "the metadata count at offset 16 runs past the end"),
        ("truncated_metadata", good[: key1 + 10], key1 + 8, "the second key's bytes run past the end"),
        (
            "unknown_value_type",
            _corrupt(good, 24 + 8 + 20, struct.pack("<I", 13)),
            24 + 8 + 20,
            "value type 13 does not exist",
        ),
        (
            "array_count_too_large",
            _corrupt(good, key1 + 8 + 6 + 4 + 4, struct.pack("<Q", 10**12)),
            key1 + 8 + 6 + 4,
            "10^12 int32s cannot fit in the bytes left: reject before allocating",
        ),
        (
            "tensor_data_past_the_end",
            _corrupt(good, info_end - 8, struct.pack("<Q", 64)),
            data_start + 64,
            "the tensor's offset points past the end of the file: name where its data would start",
        ),
    ]:
        kwargs = {"offset": offset} | ({"count_offset": offset + 4} if name == "array_count_too_large" else {})
        yield Case(name, (data,), kwargs, note=f"{note} (byte offset {offset})")
    strings = reference.gguf_bytes({"t": ("array", ("string", [""] * 40))}, {})
    start = 24 + 8 + 1 + 4  # the array value of key "t": its element type, then its count
    left = len(strings) - (start + 12)
    yield Case(
        "string_array_count_too_large",
        (_corrupt(strings, start + 4, struct.pack("<Q", left // 7)),),
        {"offset": start, "count_offset": start + 4},
        note=f"{left // 7} strings claimed, {left} bytes left: each string takes at least 8 (its length) "
        f"(byte offset {start})",
    )


def _rejects(impl, data, offset, count_offset=None):
    """Whether parse_gguf raised a ValueError (GGUFError is one) whose one-line message contains the offset
    (for an array, that of the array value or of its count: the task allows either); any other exception
    counts as a failure of the first kind, not as a crash."""
    try:
        impl.parse_gguf(data)
    except Exception as exc:  # noqa: BLE001 - struct.error, KeyError, ...: reported as not a ValueError
        message = str(exc)
        return {
            "raised_value_error": isinstance(exc, ValueError),
            "one_line": "\n" not in message.strip(),
            "names_the_offset": bool({str(offset), str(count_offset)} & set(re.findall(r"\d+", message))),
        }
    return {"raised_value_error": False, "one_line": False, "names_the_offset": False}


# -- known mistakes ---------------------------------------------------------------------------------


def _writer(shape_order=False, no_padding=False, u32_lengths=False, absolute_offsets=False):
    def gguf_bytes(metadata, tensors):
        alignment = metadata.get("general.alignment", ("uint32", 32))[1]
        pad = (lambda n: 0) if no_padding else (lambda n: -n % alignment)
        string = lambda s: struct.pack("<I" if u32_lengths else "<Q", len(s.encode())) + s.encode()

        def value(kind, v):
            if kind == "string":
                return string(v)
            if kind == "array":
                return struct.pack("<IQ", reference.VALUE_TYPES[v[0]], len(v[1])) + b"".join(
                    value(v[0], x) for x in v[1]
                )
            return struct.pack(reference.SCALARS[kind], int(v) if kind == "bool" else v)

        head = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)))
        for key, (kind, v) in metadata.items():
            head += string(key) + struct.pack("<I", reference.VALUE_TYPES[kind]) + value(kind, v)
        infos, blobs, offset = bytearray(), [], 0
        for name, a in tensors.items():
            a = np.asarray(a, order="C")
            dims = a.shape if shape_order else a.shape[::-1]
            infos += string(name) + struct.pack("<I", a.ndim) + b"".join(struct.pack("<Q", d) for d in dims)
            infos += struct.pack("<IQ", reference.DTYPE_TO_GGML[a.dtype], offset)
            blob = a.tobytes()
            blobs.append(blob + bytes(pad(len(blob))))
            offset += len(blobs[-1])
        out = head + infos
        out += bytes(pad(len(out)))
        if absolute_offsets:  # rewrite each offset relative to the file start (the mistake)
            return _absolute(bytes(out), tensors, len(out)) + b"".join(blobs)
        return bytes(out) + b"".join(blobs)

    return gguf_bytes


def _absolute(header, tensors, data_start):
    out, pos = bytearray(header), len(header)
    for name in reversed(list(tensors)):  # offsets are the last 8 bytes of each info: find them from the names
        pos = bytes(out).rindex(name.encode(), 0, pos)
        n_dims = struct.unpack_from("<I", out, pos + len(name.encode()))[0]
        at = pos + len(name.encode()) + 4 + 8 * n_dims + 4
        struct.pack_into("<Q", out, at, struct.unpack_from("<Q", out, at)[0] + data_start)
    return bytes(out)


EXERCISE = Exercise.of(
    info("gguf"),
    preamble="import struct\n\nimport numpy as np\n",
    task="""GGUF, llama.cpp's single-file model format, version 3 (ggml's docs/gguf.md). Little-endian:

    header       b"GGUF" | uint32 version = 3 | uint64 tensor_count | uint64 metadata_kv_count
    metadata     per pair: key (string) | uint32 value type | value
                 string = uint64 byte length + UTF-8 bytes; array = uint32 element type + uint64
                 count + the elements (arrays nest); bool = 1 byte; value types: uint8 0, int8 1,
                 uint16 2, int16 3, uint32 4, int32 5, float32 6, bool 7, string 8, array 9,
                 uint64 10, int64 11, float64 12
    tensor info  per tensor: name (string) | uint32 n_dims | uint64 dims[n_dims] | uint32 ggml type
                 | uint64 offset, relative to the start of the tensor data, a multiple of ALIGNMENT
    padding      0x00 bytes up to a multiple of ALIGNMENT (metadata general.alignment, default 32)
    tensor data  each tensor at its offset, padded to ALIGNMENT

dims are ggml's order, fastest-varying first: a NumPy (rows, cols) array is written [cols, rows].
ggml types: F32 0, F16 1, I8 24, I16 25, I32 26, I64 27, F64 28.
Metadata is typed: {key: (type name, value)}, an array's value being (element type, [values]).

1. `gguf_bytes(metadata, tensors) -> bytes`, tensors {name: ndarray} in order.
2. `parse_gguf(data) -> (metadata, tensors)`, the inverse, shapes back in NumPy order.
   Reject a bad file with a ValueError whose one-line message contains the byte offset where the
   problem is: the field that is wrong or runs past the end (bad magic: 0, version: 4); for an
   array whose count cannot fit in the bytes left, the offset of the array value (its element type)
   or of the count; for a tensor that runs past the end, the absolute offset where its data would
   start. Never allocate what the file merely claims.""",
    entry_points=(
        EntryPoint(
            "gguf_bytes",
            "(metadata, tensors)",
            "The bytes of a GGUF v3 file with this typed metadata and these tensors.",
        ),
        EntryPoint(
            "parse_gguf",
            "(data)",
            "(metadata {key: (type, value)}, tensors {name: ndarray}); ValueError naming the byte offset if invalid.",
        ),
    ),
    checks=(
        Check(
            "write",
            "gguf_bytes",
            file_cases,
            call=_write,
            description=(
                "header only, all 13 value types, nested arrays, tensors at alignment 32 and 64, "
                "0-d and empty tensors: byte for byte"
            ),
        ),
        Check(
            "read",
            "parse_gguf",
            file_cases,
            call=_read,
            description="the reference's files of the same 6 kinds, parsed",
        ),
        Check(
            "round_trip",
            "parse_gguf",
            file_cases,
            call=_round_trip,
            description="parse_gguf(gguf_bytes(...)) with your own pair",
        ),
        Check(
            "reject",
            "parse_gguf",
            corrupt_cases,
            call=_rejects,
            description=(
                "bad magic, version 2, truncated header and metadata, unknown value type, a 10^12 array count, "
                "tensor data past the end"
            ),
        ),
    ),
    probes=(
        Probe(
            "dims written in NumPy order: GGUF stores ggml's ne[], fastest-varying first: reverse the shape",
            impl={"gguf_bytes": _writer(shape_order=True)},
            checks=("write",),
        ),
        Probe(
            "no alignment padding: pad with 0x00 to a multiple of general.alignment (32 by default) after the "
            "tensor infos and after every tensor",
            impl={"gguf_bytes": _writer(no_padding=True)},
            checks=("write",),
        ),
        Probe(
            "string lengths as uint32: GGUF v3 prefixes strings with a uint64 length (v1 used uint32)",
            impl={"gguf_bytes": _writer(u32_lengths=True)},
            checks=("write",),
        ),
        Probe(
            "tensor offsets counted from the start of the file: they are relative to the start of the tensor data",
            impl={"gguf_bytes": _writer(absolute_offsets=True)},
            checks=("write",),
        ),
        Probe(
            "a corrupt file must raise ValueError (a subclass is fine) with a one-line message that contains the "
            "byte offset of the problem",
            when=lambda case, actual, expected: isinstance(actual, dict) and actual != expected,
            checks=("reject",),  # the other checks' outputs are dicts too: the claim is about corrupt files only
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "parse_gguf",
            "np.prod(dims, dtype=np.uint64)",
            "int(np.prod(dims))",
            (
                "int64 and uint64 products agree below 2^63 elements; a larger tensor fails the "
                "data-size check either way"
            ),
        ),
        Equivalent(
            "parse_gguf",
            ".astype(dtype).reshape(dims[::-1])",
            "newbyteorder('<')).reshape(",
            "on a little-endian host the explicit '<' dtype is the native one: the same array",
        ),
        Equivalent(
            "_Reader.scalar",
            "what))[0]",
            "what))[-1]",
            "struct.unpack of one format character returns a 1-tuple: index 0 and -1 agree",
        ),
        Equivalent(
            "gguf_bytes",
            'array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()',
            "blob = array.tobytes()",
            (
                "the writer accepts native dtypes only (DTYPE_TO_GGML): on a little-endian host "
                "they are little-endian already"
            ),
        ),
        Equivalent("gguf_bytes", "copy=False", "copy=True", "a copy has the same bytes"),
    ),
)
