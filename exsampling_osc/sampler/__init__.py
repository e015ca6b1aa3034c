"""Reference sampler in Python with the devices' exact playback semantics (docs/ARCHITECTURE.md):

- melodic: rate = 2^((note − root_midi)/12); percussive: rate 1 whatever the note;
- note-on starts the sample from its beginning; the note's length sets the duration (cut at note-off, or
  earlier where the sample ends); note-off ends with a 50 ms linear release;
- gain = velocity / 127; several voices mixed (8 in the devices; the oldest is released for a ninth);
- a sample with loop points repeats ``[loop_start, loop_end)`` while the note sounds (``sfz`` reads the kit
  export's SFZ instruments into such voices).

Pure numpy functions; the Max and Pd patches follow them and the tests pin them.
"""

from exsampling_osc.sampler.mix import NoteEvent, SampleVoice, render_events
from exsampling_osc.sampler.note import RELEASE_S, playback_rate, render_note

__all__ = ["RELEASE_S", "NoteEvent", "SampleVoice", "playback_rate", "render_events", "render_note"]
