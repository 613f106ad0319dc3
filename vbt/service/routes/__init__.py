"""The routers of what every area shares: athletes, sessions and sets, the lift catalogue, tokens and
the pages; :func:`vbt.service.app.create_app` mounts them (the areas' routers too) under ``/api``."""
