from django.urls import path

from . import directory_views as directory
from . import people_views as people

app_name = "signatories"
urlpatterns = [
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
]
