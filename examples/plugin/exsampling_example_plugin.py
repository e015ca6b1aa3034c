"""An example ExSampling OSC plugin.

- Adds ``/exsampling/example/echo (reply_port i, text s)``, answered with
  ``/exsampling/example/echoed (text s)`` holding the text upper-cased.
- Reacts to the ``sample_ready`` event by sending ``/exsampling/example/seen (sample_id i, label s)``
  to every device.

Install with ``pip install ./examples/plugin``; ``exsampling serve`` loads it through the entry point
group ``exsampling_osc.plugins``.
"""

from __future__ import annotations

from exsampling_osc.backend.plugins import hookimpl
from exsampling_osc.osc.protocol import TO_BACKEND, TO_DEVICE, Arg, Message

ECHO = Message(
    "/exsampling/example/echo",
    TO_BACKEND,
    (Arg("reply_port", "i", "0: the announced port"), Arg("text", "s", "any text")),
    "Echo a text back, upper-cased.",
    ("/exsampling/example/echoed",),
    source="example",
)
ECHOED = Message(
    "/exsampling/example/echoed",
    TO_DEVICE,
    (Arg("text", "s", "the text, upper-cased"),),
    "Answer to example/echo.",
    source="example",
)
SEEN = Message(
    "/exsampling/example/seen",
    TO_DEVICE,
    (Arg("sample_id", "i", "sample"), Arg("label", "s", "its label")),
    "The example plugin saw a sample become ready.",
    source="example",
)


def echo(service, args, sender):
    """The reply goes back to the asker (its ``reply_port``, else the port it announced with hello)."""
    _reply_port, text = args
    return ECHOED.address, [text.upper()]


@hookimpl
def osc_messages():
    return [(ECHO, echo), (ECHOED, None), (SEEN, None)]


@hookimpl
def sample_ready(service, sample):
    service.send(SEEN.address, [sample["sample_id"], sample["label"]])
