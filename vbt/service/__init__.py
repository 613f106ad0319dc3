"""The vbt HTTP service: athletes, sessions, sets and reps over HTTP, and a live rep stream.

Nothing happens at import: the settings, the database engine and the FastAPI application are made by
:func:`vbt.service.app.create_app`, and :func:`vbt.service.app.run` serves one with uvicorn.
"""
