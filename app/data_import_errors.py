"""Say a validation error of a `learn data import` file in plain words: the record, the field, why.

"progress record 3 (item_id '0.1/pca'): status is 'finished'; it must be 'todo', 'in_progress' or
'done'" rather than pydantic's "progress.2.status: Input should be ...".
"""

from __future__ import annotations

from typing import Any

_WANTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list ([...])",
    "dict_type": "an object ({...})",
    "model_type": "an object ({...})",
    "float_type": "a number",
}


def describe_import_error(error: dict[str, Any], raw: Any, key_fields: dict[str, tuple[str, ...]]) -> str:
    """One plain sentence for one pydantic error of the export file `raw`; `key_fields` maps a
    record list ("progress") to the fields that identify its records ("item_id",)."""
    loc = tuple(error["loc"])
    if not loc:
        return f"the file holds {_what(error.get('input'))}, not a `learn data export` object"
    owner, field = "", loc[-1]
    if len(loc) >= 2 and isinstance(loc[1], int):
        owner = _record(loc[0], loc[1], raw, key_fields.get(str(loc[0]), ()))
        field = loc[2] if len(loc) > 2 else None
    kind = error["type"]
    value = error.get("input")
    if field is None:
        what = f"should be {_WANTED.get(kind, 'an object ({...})')}, not {_what(value)}"
    elif kind == "missing":
        what = f"field '{field}' is missing"
    elif kind == "extra_forbidden":
        what = f"unknown field '{field}'"
    elif kind == "literal_error":
        what = f"{field} is {value!r}; it must be {error['ctx']['expected']}"
    elif kind in _WANTED:
        what = f"{field} should be {_WANTED[kind]}, not {_what(value)}"
    else:  # our validators' own words (app/learner_data.py): a time in the future, a malformed id, ...
        message = error["msg"].removeprefix("Value error, ")
        if message.startswith(f"{field} "):  # ours name the field...
            what = message
        elif message.startswith("is "):  # ... or say what it is
            what = f"{field} {message}"
        else:
            what = f"{field}: {message}"
    return f"{owner}: {what}" if owner else what


def _record(name: Any, index: int, raw: Any, keys: tuple[str, ...]) -> str:
    label = f"{name} record {index + 1}"
    try:
        record = raw[name][index]
        named = [f"{k} {record[k]!r}" for k in keys if isinstance(record.get(k), str)]
    except (KeyError, IndexError, TypeError, AttributeError):
        named = []
    return f"{label} ({', '.join(named)})" if named else label


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return repr(value)
