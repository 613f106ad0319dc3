"""One router per resource; :func:`vbt.service.app.create_app` mounts them under ``/api``."""
