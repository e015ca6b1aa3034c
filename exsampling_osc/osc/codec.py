"""Encoding and decoding the declared messages (:mod:`exsampling_osc.osc.protocol`) by argument name."""

from __future__ import annotations

from exsampling_osc.osc.protocol import PREFIX, Message, get


def check_args(message: Message, args: tuple | list) -> list:
    """Coerce ``args`` to the declared types (int↔float allowed); raise ValueError with a readable reason."""
    required = [a for a in message.args if a.default is None]
    if len(required) <= len(args) < len(message.args):
        args = [*args, *(a.default for a in message.args[len(args) :])]
    if len(args) != len(message.args):
        n = f"{len(required)} to {len(message.args)}" if len(required) < len(message.args) else len(message.args)
        raise ValueError(f"{message.address} takes {n} arguments ({message.typetags}), got {len(args)}")
    out: list[int | float | str] = []
    for spec, value in zip(message.args, args, strict=True):
        if spec.type == "s":
            if not isinstance(value, str):
                raise ValueError(f"{message.address}: {spec.name} must be a string, got {value!r}")
            out.append(value)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{message.address}: {spec.name} must be a number, got {value!r}")
        elif spec.type == "i":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{message.address}: {spec.name} must be a whole number, got {value!r}")
            out.append(int(value))
        else:
            out.append(float(value))
    return out


def osc_number(v: float | None) -> float:
    """A float argument for an optional number: 0.0 when there is none."""
    return 0.0 if v is None else float(v)


#: What /exsampling/sample carries where a sample has no value (no pitch: 60.0; no place: 0.0).
SAMPLE_DEFAULTS = {
    "root_midi": 60.0,
    "latitude": 0.0,
    "longitude": 0.0,
    "loudness_lufs": -70.0,
    "peak_db": -120.0,
    "loop_start": -1,
    "loop_end": -1,
}


def encode(address: str, values: dict, defaults: dict | None = None) -> list:
    """The arguments of ``address`` taken from ``values`` by argument name (None or missing: ``defaults``,
    then the declared default), coerced to the declared types.

    >>> encode("/exsampling/pong", {"seq": 3})
    [3]
    """
    message = get(address)
    defaults = defaults or {}
    raw = [v if (v := values.get(a.name)) is not None else defaults.get(a.name, a.default) for a in message.args]
    missing = [a.name for a, v in zip(message.args, raw, strict=True) if v is None]
    if missing:
        raise ValueError(f"{address}: no value for {', '.join(missing)}")
    return check_args(message, raw)


def decode(address: str, args: list | tuple) -> dict:
    """The arguments of a received ``address`` by name, checked against the declared types."""
    message = get(address)
    return dict(zip((a.name for a in message.args), check_args(message, args), strict=True))


def sample_args(sample: dict) -> list:
    """The /exsampling/sample arguments of a sample view (60.0 for no pitch, 0.0 for no place)."""
    return encode(PREFIX + "/sample", sample, SAMPLE_DEFAULTS)
