"""Kit export: the accepted samples of a library as SFZ instruments (one per track) with their WAVs and credits."""
