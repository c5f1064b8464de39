"""Background tasks (django.tasks): the immediate backend in development and tests,
django-tasks-db's `manage.py db_worker` in production (docker-compose `worker`)."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def render_export(job_id: str) -> str:
    """Render, seal and register the PDF an ExportJob asks for; returns the job's final status."""
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"
