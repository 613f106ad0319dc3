"""The vbt HTTP service: athletes, sessions, sets and reps over HTTP, and a live rep stream.

Nothing happens at import: the settings, the database engine and the FastAPI application are made by
:func:`vbt.service.app.create_app`, and :func:`vbt.service.app.run` serves one with uvicorn.

Layout: ``app`` builds the application (and runs the server and a worker) from the rest. The shared
plumbing sits beside it (``settings``, ``db``, ``models``, ``schemas``, ``convert``, ``history``,
``errors``, ``deps``, ``auth``, ``doors``, ``limits``, ``private``) with the routers of the shared
records (``routes``). Each area is a package with its own routers; it imports the plumbing, never
the app: ``stream`` (reps as they are stored, the live stream and the live video), ``videos``
(uploads, their queue and workers) and ``progression`` (profiles, plans, 1RMs).
"""
