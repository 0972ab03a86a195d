"""Search tests run on the engine of the configured database (SQLite FTS5, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def woo(db):
    return factories.TopicFactory(name="Wet open overheid")


@pytest.fixture
def make_course(db):
    """A published course with the given texts; keyword arguments go to CourseFactory."""

    def make(title: str, description: str = "Wat je leert, en hoe.", **fields):
        fields.setdefault("summary", "Leren van elkaar.")
        return factories.CourseFactory(title=title, description=description, **fields)

    return make
