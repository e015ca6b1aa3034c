"""OSC: the protocol declaration (single source of truth), the dispatcher and the sender."""
