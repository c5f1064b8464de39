"""Background tasks (django.tasks): django-tasks-db's `manage.py db_worker` runs them (docker-compose
`worker`, and `make run` next to runserver); tests use the immediate backend."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def render_export(job_id: str) -> str:
    """Render, seal and register the PDF an ExportJob asks for; returns the job's final status."""
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"
