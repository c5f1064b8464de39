"""Back office: rounds and comments are read-only here; every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Comment, CommentReply, CommentRound, RoundInvitation


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvitationInline(admin.TabularInline):
    model = RoundInvitation
    extra = 0
    can_delete = False
    readonly_fields = ["party", "response", "responded_at", "responded_by", "reminder_sent_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommentRound)
class CommentRoundAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "number", "version", "deadline", "closed_at", "visibility"]
    list_filter = ["visibility"]
    inlines = [InvitationInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["round", "number", "party", "kind", "status", "disposition"]
    list_filter = ["status", "kind", "disposition"]
    search_fields = ["text", "proposed_text", "party__short_name"]


@admin.register(CommentReply)
class CommentReplyAdmin(ReadOnlyAdmin):
    list_display = ["comment", "author", "party", "created_at"]
