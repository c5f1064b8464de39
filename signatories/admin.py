from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Party
from .services import party_upsert


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "key", "country", "kind"]
    list_filter = ["kind"]
    search_fields = ["short_name", "key"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new party needs its group (the 500 of issue 20): it is created through the service.
        fields = ["key", "name", "short_name", "country", "kind", "note"]
        saved = party_upsert(data={f: getattr(obj, f) for f in fields}, by=request.user)
        obj.pk, obj.group = saved.pk, saved.group
        obj._state.adding = False
        obj._state.db = saved._state.db


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "party", "role"]
    list_filter = ["role", "party"]
