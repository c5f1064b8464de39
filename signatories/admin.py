from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Party


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


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "party", "role"]
    list_filter = ["role", "party"]
