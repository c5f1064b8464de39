from django.urls import path

from . import adherence_views as adherence
from . import frozen_text, home_views
from . import record_views as record
from . import views as signing

app_name = "signing"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("d/<slug:slug>/signing/text/<str:digest>/", frozen_text.signing_text, name="signing_text"),
    path("d/<slug:slug>/signing/", signing.signing_board, name="signing"),
    path("d/<slug:slug>/signing/open/", signing.signing_open, name="signing_open"),
    path("d/<slug:slug>/signing/reopen/", signing.signing_reopen, name="signing_reopen"),
    path("d/<slug:slug>/signing/close/", signing.signing_close, name="signing_close"),
    path("d/<slug:slug>/signing/remind/", signing.signing_remind, name="signing_remind"),
    path("d/<slug:slug>/signing/audit/", record.audit_trail, name="signing_audit"),
    path("d/<slug:slug>/signing/adherence/invite/", adherence.invite, name="adherence_invite"),
    path("d/<slug:slug>/signing/party/<slug:party>/", signing.sign, name="sign"),
    path("d/<slug:slug>/signing/party/<slug:party>/designate/", signing.designate, name="designate"),
    path("d/<slug:slug>/signing/party/<slug:party>/decline/", signing.decline, name="decline"),
    path("d/<slug:slug>/signing/party/<slug:party>/revoke/", signing.revoke, name="revoke"),
    path("d/<slug:slug>/signing/party/<slug:party>/record/", record.record_offline, name="record_offline"),
    path("d/<slug:slug>/signing/party/<slug:party>/refusal/", record.record_refusal, name="record_refusal"),
    path("d/<slug:slug>/signing/party/<slug:party>/adhere/", adherence.adhere, name="adhere"),
    path("d/<slug:slug>/signing/party/<slug:party>/adherence/", adherence.record, name="record_adherence"),
    path("d/<slug:slug>/signing/signatures/<int:pk>/image/", record.signature_image, name="signature_image"),
    path("d/<slug:slug>/signing/signatures/<int:pk>/scan/", record.signature_scan, name="signature_scan"),
]
