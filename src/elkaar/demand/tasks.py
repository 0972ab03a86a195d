"""Background work of knowledge demand, run by the task worker (`elkaar db_worker`); queued after commit."""

from __future__ import annotations

from django_tasks import task

from elkaar.demand import services
from elkaar.demand.models import KnowledgeRequest


@task()
def request_changed_task(request_id: int) -> None:
    """Match a new or changed request again and store the summary the demand overview shows."""
    request = KnowledgeRequest.objects.filter(pk=request_id).first()
    if request is not None:
        services.refresh_match_summary(request)


@task()
def notify_matching_requesters_task(course_id: int) -> int:
    """Tell requesters whose request a newly published course answers (see services.notify_matching_requesters)."""
    return services.notify_matching_requesters(course_id)
