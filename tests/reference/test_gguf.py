"""GGUF v3: a file built byte by byte from the spec, round trips over all 13 value types, nested arrays,
every tensor type and alignments, and corrupt or truncated files rejected with the byte offset named."""

import re
import struct

import numpy as np
import pytest

from reference_impls.torch.gguf import (
    GGUFError,
    gguf_bytes,
    parse_gguf,
    read_gguf,
    write_gguf,
)

ALL_TYPES = {
    "t.u8": ("uint8", 255),
    "t.i8": ("int8", -128),
    "t.u16": ("uint16", 65535),
    "t.i16": ("int16", -32768),
    "t.u32": ("uint32", 2**32 - 1),
    "t.i32": ("int32", -(2**31)),
    "t.f32": ("float32", 0.5),
    "t.bool": ("bool", False),
    "t.str": ("string", "Grüße, 世界 🙂"),
    "t.u64": ("uint64", 2**64 - 1),
    "t.i64": ("int64", -(2**63)),
    "t.f64": ("float64", 0.1),
    "t.arr": ("array", ("array", [("uint8", [1, 2]), ("string", ["", "x"]), ("bool", [True])])),
}


def _s(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def test_a_file_built_by_hand_from_the_spec():
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    b = np.array([7, 8], dtype=np.int32)
    want = b"GGUF" + struct.pack("<IQQ", 3, 2, 1)
    want += _s("general.architecture") + struct.pack("<I", 8) + _s("tiny")
    want += _s("w") + struct.pack("<IQQIQ", 2, 3, 2, 0, 0)  # dims reversed: ne0 = 3 columns, ne1 = 2 rows; F32 at 0
    want += _s("b") + struct.pack("<IQIQ", 1, 2, 26, 32)  # I32, after w's 24 bytes padded to 32
    want += bytes(-len(want) % 32)
    want += w.tobytes() + bytes(8) + b.tobytes() + bytes(24)
    got = gguf_bytes({"general.architecture": ("string", "tiny")}, {"w": w, "b": b})
    assert got == want
    md, tensors = parse_gguf(want)
    assert md == {"general.architecture": ("string", "tiny")}
    assert np.array_equal(tensors["w"], w) and tensors["w"].dtype == np.float32 and tensors["b"].dtype == np.int32


@pytest.mark.parametrize("alignment", [None, 8, 64])
def test_round_trip(tmp_path, alignment):
    md = dict(ALL_TYPES)
    if alignment:
        md["general.alignment"] = ("uint32", alignment)
    rng = np.random.default_rng(0)
    tensors = {
        "f32": rng.standard_normal((3, 5)).astype(np.float32),
        "f16": rng.standard_normal(7).astype(np.float16),
        "f64": rng.standard_normal((2, 1, 3)).astype(np.float64),
        "i8": np.arange(-5, 5, dtype=np.int8),
        "i16": np.arange(6, dtype=np.int16).reshape(2, 3),
        "i64": np.array([2**40, -1], dtype=np.int64),
        "empty": np.zeros((0, 4), np.float32),
        "scalar": np.array(3.5, np.float32),
        "4d": np.ones((2, 1, 2, 3), np.float32),
    }
    write_gguf(tmp_path / "m.gguf", md, tensors)
    back_md, back = read_gguf(tmp_path / "m.gguf")
    assert list(back_md) == list(md) and list(back) == list(tensors)
    for key, (kind, value) in md.items():
        assert back_md[key][0] == kind
        assert back_md[key][1] == (pytest.approx(value) if kind in ("float32", "float64") else value)
    for name, array in tensors.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape and np.array_equal(back[name], array)
    data = (tmp_path / "m.gguf").read_bytes()
    assert len(data) % (alignment or 32) == 0  # every tensor padded, the data section aligned


def _corrupt(data, at, new):
    return data[:at] + new + data[at + len(new) :]


def _offset_in(message):
    return [int(n) for n in re.findall(r"byte offset (\d+)", message)]


FILE = gguf_bytes(
    {"general.architecture": ("string", "x"), "a.list": ("array", ("int32", [1, 2, 3]))},
    {"w": np.arange(12, dtype=np.float32).reshape(3, 4)},
)
KEY1 = 24 + 8 + len("general.architecture") + 4 + 8 + 1  # where the second key starts


@pytest.mark.parametrize(
    "data, offset, words",
    [
        (_corrupt(FILE, 0, b"GGUX"), 0, "magic"),
        (_corrupt(FILE, 4, struct.pack("<I", 2)), 4, "version 2"),
        (_corrupt(FILE, 4, struct.pack("<I", 4)), 4, "version 4"),
        (_corrupt(FILE, 24 + 8 + 20, struct.pack("<I", 13)), 24 + 8 + 20, "type 13"),  # the first value's type
        (
            _corrupt(FILE, KEY1 + 8 + 6 + 4 + 4, struct.pack("<Q", 10**12)),
            KEY1 + 8 + 6 + 4,
            "10000000000",
        ),  # the array's count
        (FILE[:20], 16, "truncated"),
        (FILE[: KEY1 + 10], KEY1 + 8, "truncated"),
    ],
)
def test_corrupt_files_name_the_byte_offset(data, offset, words):
    with pytest.raises(GGUFError) as info:
        parse_gguf(data)
    message = str(info.value)
    assert "\n" not in message and words in message
    assert offset in _offset_in(message), message


def test_tensor_data_past_the_end_and_unaligned_offsets():
    # The tensor info's offset field is the last 8 bytes of the tensor infos.
    md_end = len(gguf_bytes({"general.architecture": ("string", "x"), "a.list": ("array", ("int32", [1, 2, 3]))}, {}))
    info_end = FILE.index(b"w", 80) + 1 + 4 + 16 + 4 + 8
    assert md_end < info_end
    past = _corrupt(FILE, info_end - 8, struct.pack("<Q", 64))
    with pytest.raises(GGUFError, match="past the end") as info:
        parse_gguf(past)
    data_start = -(-info_end // 32) * 32
    assert data_start + 64 in _offset_in(str(info.value))
    with pytest.raises(GGUFError, match="not a multiple"):
        parse_gguf(_corrupt(FILE, info_end - 8, struct.pack("<Q", 4)))


def test_every_truncation_raises_with_an_offset():
    end_of_w = len(FILE) - 16  # w's 48 bytes, then 16 bytes of padding to 64
    for cut in range(end_of_w):
        with pytest.raises(GGUFError, match=r"byte offset \d+"):
            parse_gguf(FILE[:cut])
    assert parse_gguf(FILE[:end_of_w])[1]["w"].shape == (3, 4)  # only the trailing padding missing: harmless


def test_bool_must_be_0_or_1():
    data = gguf_bytes({"k": ("bool", True)}, {})
    at = 24 + 8 + 1 + 4
    with pytest.raises(GGUFError, match=f"byte offset {at}"):
        parse_gguf(_corrupt(data, at, b"\x02"))
