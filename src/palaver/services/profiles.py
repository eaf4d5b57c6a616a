"""User profiles: standard ``Tag_Profile_IM_*`` and custom ``Tag_Profile_Custom_*`` tags."""

from __future__ import annotations

from palaver.storage import Database


class ProfileService:
    """Profiles of every app."""

    def __init__(self, db: Database) -> None:
        self._db = db
