"""The stream's routers: storing reps (``reps``), following them (``stream``) and the live video
(``frames``); :func:`vbt.service.app.create_app` mounts them under ``/api``."""
