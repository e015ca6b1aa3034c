"""Soundscape composer: MIDI → tokens (notes and chords, with durations) → autoencoder → phrases.

Training (``train``) needs TensorFlow; everything else (``generate``, ``live``, ``midi``) runs on numpy
and mido alone, so serving never imports TensorFlow.
"""
