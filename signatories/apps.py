from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignatoriesConfig(AppConfig):
    name = "signatories"
    verbose_name = _("Parties and signatories")
    default_auto_field = "django.db.models.BigAutoField"
