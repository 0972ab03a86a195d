"""Signals the catalogue sends, so apps above it (enrolment) can react without the catalogue importing them."""

from django.dispatch import Signal

# Sent by catalogue.services.update_session inside its transaction, with the session row still locked, after the
# change was saved. Arguments: session (the saved Session), visible_change (bool: time, place or link changed and
# the iCalendar SEQUENCE was raised), old_capacity (int). Receivers queue their side effects after commit.
session_changed = Signal()

# Sent by catalogue.services when a course enters the catalogue (publish_course, approve_course), inside the
# transaction, after the status was saved. Arguments: course (the published Course). Receivers (demand: requests
# the course answers, the priority window) queue their side effects after commit.
course_published = Signal()
