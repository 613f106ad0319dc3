"""Uploaded videos and their analysis: receiving an upload (``upload``), the row it becomes and how the
API shows it (``records``, in words without server paths: ``public_text``), where its files are kept
(``storage``), the queue in the database (``queue``) and the workers that analyse it (``worker``,
through ``jobs``, which stores the reps as ``POST /api/sets/{id}/reps`` does).

Import the submodules you need; importing this package loads nothing.
"""
