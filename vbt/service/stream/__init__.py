"""A session's reps and live video as they happen: reps stored one at a time (``routes.reps``, also
the path an analysed video's reps take), read back in commit order (``events``) with each set's
stop-set cue (``cue``), fanned out to every listener (``fanout``; woken across replicas by PostgreSQL's
``LISTEN/NOTIFY``, ``postgres``) over WebSocket and Server-Sent Events (``routes.stream``), and the
live video's newest frame (``frames``, ``routes.frames``), both behind the same WebSocket checks
(``websockets``).

Import the submodules you need; importing this package loads nothing.
"""
