from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import healthz
from signatories.people_forms import ReaderPasswordResetForm

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ReaderPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("declarations.urls")),
    path("", include("consultations.urls")),
    path("", include("signatories.urls")),
    path("", include("signing.urls")),
    path("", include("documents.urls")),
]
# Read at import: tests that change ADMIN_ENABLED or ADMIN_URL reload this module (tests/test_admin_site.py).
if settings.ADMIN_ENABLED:
    urlpatterns.insert(1, path(settings.ADMIN_URL, admin.site.urls))
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
