"""Issued PDFs and export jobs are records: read only in the back office."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExportJob, IssuedDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["sha256", "declaration", "version", "kind", "layout", "size", "pages", "created_at", "created_by"]
    list_filter = ["kind", "layout"]
    search_fields = ["sha256", "content_hash", "declaration__slug"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "declaration", "version", "kind", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
