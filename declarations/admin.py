from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Clause, ClauseText, Declaration, DeclarationParty, DeclarationVersion, Section


class DeclarationPartyInline(admin.TabularInline):
    model = DeclarationParty
    extra = 0
    autocomplete_fields = ["party"]


@admin.register(Declaration)
class DeclarationAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["slug", "status", "source_language", "updated_at"]
    list_filter = ["status"]
    search_fields = ["slug"]
    inlines = [DeclarationPartyInline]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["key", "declaration", "position", "deleted_at"]
    list_filter = ["declaration"]


class ClauseTextInline(admin.StackedInline):
    model = ClauseText
    extra = 0
    readonly_fields = ["revision", "updated_at", "updated_by"]


@admin.register(Clause)
class ClauseAdmin(SimpleHistoryAdmin):
    list_display = ["key", "declaration", "section", "position", "deleted_at"]
    list_filter = ["declaration"]
    search_fields = ["key"]
    inlines = [ClauseTextInline]


@admin.register(DeclarationVersion)
class DeclarationVersionAdmin(admin.ModelAdmin):
    list_display = ["declaration", "number", "label", "published_at", "content_hash"]
    list_filter = ["declaration"]

    # Published versions are evidence: read-only in the back office too.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
