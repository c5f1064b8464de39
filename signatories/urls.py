from django.urls import path

from . import directory_views as directory
from . import mail_views as mail
from . import people_views as people
from .signing import adherence_views as adherence
from .signing import frozen_text, home_views
from .signing import views as signing

app_name = "signatories"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("account/", people.account_settings, name="account"),
    path("secretariats/", people.secretariat_list, name="secretariats"),
    path("secretariats/<slug:slug>/", people.secretariat_detail, name="secretariat"),
    path("secretariats/<slug:slug>/invite-csv/", people.secretariat_bulk_invite, name="secretariat_bulk_invite"),
    path("invitations/<int:pk>/resend/", people.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", people.invitation_accept, name="invitation_accept"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("parties/", directory.party_list, name="parties"),
    path("parties/new/", directory.party_edit, name="party_add"),
    path("parties/import/", directory.party_import, name="party_import"),
    path("parties/import/cancel/", directory.party_import_cancel, name="party_import_cancel"),
    path("parties/<slug:key>/", directory.party_detail, name="party"),
    path("parties/<slug:key>/edit/", directory.party_edit, name="party_edit"),
    path("d/<slug:slug>/mail/", mail.mail_deliveries, name="mail_deliveries"),
    path("d/<slug:slug>/signing/", signing.signing_board, name="signing"),
    path("d/<slug:slug>/signing/open/", signing.signing_open, name="signing_open"),
    path("d/<slug:slug>/signing/reopen/", signing.signing_reopen, name="signing_reopen"),
    path("d/<slug:slug>/signing/close/", signing.signing_close, name="signing_close"),
    path("d/<slug:slug>/signing/remind/", signing.signing_remind, name="signing_remind"),
    path("d/<slug:slug>/signing/audit/", signing.audit_trail, name="signing_audit"),
    path("d/<slug:slug>/signing/text/<str:digest>/", frozen_text.signing_text, name="signing_text"),
    path("d/<slug:slug>/signing/adherence/invite/", adherence.invite, name="adherence_invite"),
    path("d/<slug:slug>/signing/party/<slug:party>/", signing.sign, name="sign"),
    path("d/<slug:slug>/signing/party/<slug:party>/designate/", signing.designate, name="designate"),
    path("d/<slug:slug>/signing/party/<slug:party>/decline/", signing.decline, name="decline"),
    path("d/<slug:slug>/signing/party/<slug:party>/revoke/", signing.revoke, name="revoke"),
    path("d/<slug:slug>/signing/party/<slug:party>/record/", signing.record_offline, name="record_offline"),
    path("d/<slug:slug>/signing/party/<slug:party>/refusal/", signing.record_refusal, name="record_refusal"),
    path("d/<slug:slug>/signing/party/<slug:party>/adhere/", adherence.adhere, name="adhere"),
    path("d/<slug:slug>/signing/party/<slug:party>/adherence/", adherence.record, name="record_adherence"),
    path("d/<slug:slug>/signing/signatures/<int:pk>/image/", signing.signature_image, name="signature_image"),
    path("d/<slug:slug>/signing/signatures/<int:pk>/scan/", signing.signature_scan, name="signature_scan"),
]
