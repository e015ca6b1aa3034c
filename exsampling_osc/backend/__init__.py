"""The running backend, in data-path order: ``ingest`` (checks, stores, queues and analyses an upload) →
``sample_view`` (one view of a sample, one label rule) → ``events`` (devices over OSC, subscribers, plugin
hooks) and ``osc_handlers`` (the OSC door: what each declared address does); ``operations`` (queries and
changes both doors call), ``state`` (what the parts share), ``service`` (the one wiring object), and around
it ``dropfolder``, ``lifecycle``, ``plugins``, ``announce`` (OSCQuery + zeroconf) and ``serve`` (the command).
"""
