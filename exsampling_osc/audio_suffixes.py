"""The one list of audio file suffixes the package reads (what libsndfile and its codecs decode)."""

AUDIO_SUFFIXES = frozenset(
    {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc", ".caf", ".w64", ".au", ".snd"}
)
