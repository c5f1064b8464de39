"""App configuration that lives in config/ (imported before the app registry is ready)."""

from django.contrib.admin.apps import AdminConfig


class AccordAdminConfig(AdminConfig):
    """django.contrib.admin with SuperuserAdminSite as admin.site (every @admin.register lands there)."""

    default_site = "config.admin_site.SuperuserAdminSite"
