"""Correct, in the style of llama.cpp's gguf-py: a writer class that collects key-value pairs and tensor
infos, then writes header, metadata, infos and aligned data in order (GGUFWriter), and a reader over a
NumPy uint8 view of the file that reads every field with `_get(offset, dtype, count)` (GGUFReader), each
read bounds-checked before anything is allocated. Written for this task, not copied."""

import numpy as np

GGUF_MAGIC = 0x46554747  # b"GGUF" read as a little-endian uint32
GGUF_VERSION = 3
GGUF_DEFAULT_ALIGNMENT = 32

VALUE_TYPE = dict(
    UINT8=0, INT8=1, UINT16=2, INT16=3, UINT32=4, INT32=5, FLOAT32=6, BOOL=7, STRING=8, ARRAY=9, UINT64=10, INT64=11
)
VALUE_TYPE["FLOAT64"] = 12
NUMPY_OF = {
    0: np.uint8,
    1: np.int8,
    2: np.uint16,
    3: np.int16,
    4: np.uint32,
    5: np.int32,
    6: np.float32,
    7: np.uint8,
    10: np.uint64,
    11: np.int64,
    12: np.float64,
}
TENSOR_TYPE = {np.dtype(np.float32): 0, np.dtype(np.float16): 1, np.dtype(np.int8): 24, np.dtype(np.int16): 25}
TENSOR_TYPE.update({np.dtype(np.int32): 26, np.dtype(np.int64): 27, np.dtype(np.float64): 28})
NUMPY_OF_TENSOR = {v: k for k, v in TENSOR_TYPE.items()}


class GGUFWriter:
    def __init__(self, alignment=GGUF_DEFAULT_ALIGNMENT):
        self.alignment = alignment
        self.kv_data = bytearray()
        self.kv_count = 0
        self.ti_data = bytearray()
        self.tensors = []
        self.offset_tensor = 0

    @staticmethod
    def _pack(value, dtype):
        return np.array(value, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()

    def _pack_str(self, text):
        encoded = text.encode("utf-8")
        return self._pack(len(encoded), np.uint64) + encoded

    def _pack_val(self, vtype, value, add_vtype):
        out = self._pack(VALUE_TYPE[vtype], np.uint32) if add_vtype else b""
        if vtype == "STRING":
            return out + self._pack_str(value)
        if vtype == "ARRAY":
            ltype, items = value
            out += self._pack(VALUE_TYPE[ltype.upper()], np.uint32) + self._pack(len(items), np.uint64)
            return out + b"".join(self._pack_val(ltype.upper(), item, False) for item in items)
        return out + self._pack(int(value) if vtype == "BOOL" else value, NUMPY_OF[VALUE_TYPE[vtype]])

    def add_key_value(self, key, value, vtype):
        self.kv_data += self._pack_str(key) + self._pack_val(vtype.upper(), value, True)
        self.kv_count += 1

    def add_tensor(self, name, array):
        array = np.asarray(array)
        self.ti_data += self._pack_str(name) + self._pack(array.ndim, np.uint32)
        for dim in array.shape[::-1]:  # ggml's ne[]: the fastest-varying dimension first
            self.ti_data += self._pack(dim, np.uint64)
        self.ti_data += self._pack(TENSOR_TYPE[array.dtype], np.uint32) + self._pack(self.offset_tensor, np.uint64)
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        self.tensors.append(raw)
        self.offset_tensor += self._padded(len(raw))

    def _padded(self, n):
        return -(-n // self.alignment) * self.alignment

    def to_bytes(self):
        header = self._pack([GGUF_MAGIC, GGUF_VERSION], np.uint32)
        header += self._pack([len(self.tensors), self.kv_count], np.uint64)
        out = bytearray(header + self.kv_data + self.ti_data)
        out += bytes(self._padded(len(out)) - len(out))
        for raw in self.tensors:
            out += raw + bytes(self._padded(len(raw)) - len(raw))
        return bytes(out)


def gguf_bytes(metadata, tensors):
    alignment = metadata.get("general.alignment", ("uint32", GGUF_DEFAULT_ALIGNMENT))[1]
    writer = GGUFWriter(alignment)
    for key, (vtype, value) in metadata.items():
        writer.add_key_value(key, value, vtype)
    for name, array in tensors.items():
        writer.add_tensor(name, array)
    return writer.to_bytes()


class GGUFReader:
    def __init__(self, data):
        self.data = np.frombuffer(bytes(data), dtype=np.uint8)

    def _get(self, offset, dtype, count=1):
        dtype = np.dtype(dtype).newbyteorder("<")
        end = offset + dtype.itemsize * count
        if count < 0 or end > len(self.data):
            raise ValueError(f"byte offset {offset}: {count} x {dtype.name} runs past the end ({len(self.data)} bytes)")
        return self.data[offset:end].view(dtype)

    def _get_str(self, offset):
        length = int(self._get(offset, np.uint64)[0])
        raw = self._get(offset + 8, np.uint8, length)
        try:
            return raw.tobytes().decode("utf-8"), offset + 8 + length
        except UnicodeDecodeError:
            raise ValueError(f"byte offset {offset}: the string is not UTF-8") from None

    def _get_field(self, offset, vtype):
        """(typed value, offset after it) for a value of type number `vtype` at `offset`."""
        names = {v: k.lower() for k, v in VALUE_TYPE.items()}
        if vtype not in names:
            raise ValueError(f"byte offset {offset}: unknown value type {vtype}")
        if vtype == VALUE_TYPE["STRING"]:
            return self._get_str(offset)
        if vtype == VALUE_TYPE["ARRAY"]:
            itype = int(self._get(offset, np.uint32)[0])
            if itype not in names:
                raise ValueError(f"byte offset {offset}: unknown array element type {itype}")
            count = int(self._get(offset + 4, np.uint64)[0])
            least = 8 if itype in (VALUE_TYPE["STRING"], VALUE_TYPE["ARRAY"]) else np.dtype(NUMPY_OF[itype]).itemsize
            if count * least > len(self.data) - (offset + 12):
                raise ValueError(f"byte offset {offset + 4}: an array of {count} elements cannot fit in the file")
            items, pos = [], offset + 12
            for _ in range(count):
                item, pos = self._get_field(pos, itype)
                items.append(item)
            return (names[itype], items), pos
        raw = self._get(offset, NUMPY_OF[vtype])[0]
        if vtype == VALUE_TYPE["BOOL"]:
            if raw > 1:
                raise ValueError(f"byte offset {offset}: a bool of {raw}")
            return bool(raw), offset + 1
        return raw.item(), offset + raw.nbytes

    def read(self):
        if self._get(0, np.uint32)[0] != GGUF_MAGIC:
            raise ValueError("byte offset 0: not a GGUF file (bad magic)")
        if self._get(4, np.uint32)[0] != GGUF_VERSION:
            raise ValueError(f"byte offset 4: GGUF version {self._get(4, np.uint32)[0]}, only 3 is read")
        n_tensors, n_kv = int(self._get(8, np.uint64)[0]), int(self._get(16, np.uint64)[0])
        metadata, offs = {}, 24
        for _ in range(n_kv):
            key, offs = self._get_str(offs)
            vtype = int(self._get(offs, np.uint32)[0])
            names = {v: k.lower() for k, v in VALUE_TYPE.items()}
            if vtype not in names:
                raise ValueError(f"byte offset {offs}: unknown value type {vtype}")
            value, after = self._get_field(offs + 4, vtype)
            metadata[key] = (names[vtype], value)
            offs = after
        alignment = metadata.get("general.alignment", ("uint32", GGUF_DEFAULT_ALIGNMENT))[1]
        infos = []
        for _ in range(n_tensors):
            name, offs = self._get_str(offs)
            n_dims = int(self._get(offs, np.uint32)[0])
            dims = [int(d) for d in self._get(offs + 4, np.uint64, n_dims)]
            offs += 4 + 8 * n_dims
            ttype, rel = int(self._get(offs, np.uint32)[0]), int(self._get(offs + 4, np.uint64)[0])
            if ttype not in NUMPY_OF_TENSOR:
                raise ValueError(f"byte offset {offs}: tensor type {ttype} is not read here")
            infos.append((name, dims, ttype, rel))
            offs += 12
        start = -(-offs // alignment) * alignment
        tensors = {}
        for name, dims, ttype, rel in infos:
            dtype = np.dtype(NUMPY_OF_TENSOR[ttype]).newbyteorder("<")
            count = int(np.prod(dims, dtype=np.uint64)) if dims else 1
            if start + rel + count * dtype.itemsize > len(self.data):
                raise ValueError(f"byte offset {start + rel}: tensor {name!r} runs past the end of the file")
            values = self._get(start + rel, dtype, count)
            tensors[name] = values.astype(dtype.newbyteorder("=")).reshape(dims[::-1])
        return metadata, tensors


def parse_gguf(data):
    return GGUFReader(data).read()
