"""The videos' routers: uploads and their analyses (``videos``) and the analysis workers
(``workers``); :func:`vbt.service.app.create_app` mounts them under ``/api``."""
