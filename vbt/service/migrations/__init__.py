"""Alembic migrations of the vbt service database, shipped inside the package.

Run by :func:`vbt.service.db.run_migrations`; there is no ``alembic.ini``.
"""
