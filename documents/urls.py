from django.urls import path

from . import akn_views, views

app_name = "documents"
urlpatterns = [
    path("d/<slug:slug>/pdf/", views.export_page, name="export"),
    path("d/<slug:slug>/versions/<int:number>/export.akn.xml", akn_views.version_akn, name="version_akn"),
    path("d/<slug:slug>/pdf/request/", views.export_create, name="export_create"),
    path("d/<slug:slug>/pdf/submission/", views.submission_download, name="submission"),
    path("d/<slug:slug>/pdf/edition/", views.edition_issue, name="edition_issue"),
    path("d/<slug:slug>/pdf/jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("d/<slug:slug>/pdf/jobs/<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("d/<slug:slug>/pdf/<str:sha256>.pdf", views.download, name="download"),
    # Public: anyone holding a PDF may check it, without an account.
    path("verify/", views.verify, name="verify"),
]
