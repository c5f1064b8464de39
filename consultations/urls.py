from django.urls import path

from . import comment_views, import_views, passage_views, search_views, views

app_name = "consultations"
urlpatterns = [
    path("d/<slug:slug>/search/", search_views.declaration_search, name="search"),
    path("d/<slug:slug>/rounds/", views.round_list, name="rounds"),
    path("d/<slug:slug>/rounds/new/", views.round_new, name="round_new"),
    path("d/<slug:slug>/rounds/reflection/", views.reflection, name="reflection"),
    path("d/<slug:slug>/rounds/<int:number>/", views.round_detail, name="round"),
    path("d/<slug:slug>/rounds/<int:number>/close/", views.round_close, name="round_close"),
    path("d/<slug:slug>/rounds/<int:number>/submit/", views.party_submit, name="party_submit"),
    path(
        "d/<slug:slug>/rounds/<int:number>/matrix.<str:fmt>",
        views.matrix_download,
        name="matrix",
    ),
    path("d/<slug:slug>/rounds/<int:number>/clauses/", passage_views.clause_pick, name="clause_pick"),
    path("d/<slug:slug>/rounds/<int:number>/clauses/<slug:key>/", passage_views.clause_page, name="clause"),
    path("d/<slug:slug>/rounds/<int:number>/comments/new/", views.comment_new, name="comment_new"),
    path("d/<slug:slug>/rounds/<int:number>/import/", import_views.import_upload, name="import"),
    path("d/<slug:slug>/rounds/<int:number>/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("d/<slug:slug>/rounds/<int:number>/my-matrix.xlsx", import_views.party_matrix, name="party_matrix"),
    path("d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/", comment_views.comment_detail, name="comment"),
    path("d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/discard/",
        views.comment_discard,
        name="comment_discard",
    ),
    path(
        "d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/dispose/",
        comment_views.comment_dispose,
        name="comment_dispose",
    ),
    path(
        "d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/withdraw/",
        comment_views.comment_withdraw,
        name="comment_withdraw",
    ),
    path(
        "d/<slug:slug>/rounds/<int:number>/comments/<int:comment_id>/reply/",
        comment_views.comment_reply,
        name="comment_reply",
    ),
]
