from django.contrib import admin

from .models import Signature, Signing, SigningEvent, StaleTranslationConfirmation


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Signing records are evidence: visible in the back office, changed only through services."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Signing)
class SigningAdmin(_ReadOnlyAdmin):
    list_display = ["declaration", "version", "status", "deadline", "ordered"]


@admin.register(Signature)
class SignatureAdmin(_ReadOnlyAdmin):
    list_display = ["signing", "party", "status", "method", "printed_name", "signed_at", "content_hash"]
    list_filter = ["status", "method"]


@admin.register(SigningEvent)
class SigningEventAdmin(_ReadOnlyAdmin):
    list_display = ["declaration", "seq", "kind", "at", "actor_name", "party_key", "version_number", "entry_hash"]
    list_filter = ["kind"]


@admin.register(StaleTranslationConfirmation)
class StaleTranslationConfirmationAdmin(_ReadOnlyAdmin):
    list_display = ["signing", "version", "confirmed_by", "confirmed_at", "reason"]
