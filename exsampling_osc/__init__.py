"""ExSampling OSC: audience recordings → classified, pitched samples → Max for Live over OSC."""

__version__ = "0.1.0"
