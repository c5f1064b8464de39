from django.urls import path

from . import creation_views, export_views, mail_views, section_views, version_views, views

app_name = "declarations"
urlpatterns = [
    path("new/", creation_views.declaration_new, name="new"),
    path("new/preview/", creation_views.declaration_new_preview, name="new_preview"),
    path("d/<slug:slug>/", views.declaration_detail, name="detail"),
    path("d/<slug:slug>/text/<str:digest>/", views.declaration_text, name="detail_text"),
    path("d/<slug:slug>/parties/", creation_views.declaration_parties, name="parties"),
    path("d/<slug:slug>/parties/add/", creation_views.declaration_parties_add, name="parties_add"),
    path("d/<slug:slug>/parties/<slug:key>/remove/", creation_views.declaration_party_remove, name="party_remove"),
    # Drafting (secretariat): clauses
    path("d/<slug:slug>/clauses/<slug:key>/", views.clause_block, name="clause"),
    path("d/<slug:slug>/clauses/<slug:key>/edit/<str:language>/", views.clause_edit, name="clause_edit"),
    path("d/<slug:slug>/clauses/<slug:key>/confirm/<str:language>/", views.clause_confirm, name="clause_confirm"),
    path("d/<slug:slug>/clauses/<slug:key>/delete/", views.clause_delete, name="clause_delete"),
    path("d/<slug:slug>/clauses/<slug:key>/restore/", views.clause_restore, name="clause_restore"),
    path("d/<slug:slug>/clauses/<slug:key>/move/", views.clause_move, name="clause_move"),
    path("d/<slug:slug>/clauses/<slug:key>/tools/", views.clause_tools, name="clause_tools"),
    path("d/<slug:slug>/clauses/<slug:key>/history/", views.clause_history, name="clause_history"),
    path("d/<slug:slug>/deleted/", views.deleted_list, name="deleted"),
    # Drafting (secretariat): sections
    path("d/<slug:slug>/sections/add/", section_views.section_add, name="section_add"),
    path("d/<slug:slug>/sections/<slug:key>/edit/", section_views.section_edit, name="section_edit"),
    path("d/<slug:slug>/sections/<slug:key>/move/", section_views.section_move, name="section_move"),
    path("d/<slug:slug>/sections/<slug:key>/delete/", section_views.section_delete, name="section_delete"),
    path("d/<slug:slug>/sections/<slug:key>/restore/", section_views.section_restore, name="section_restore"),
    path("d/<slug:slug>/sections/<slug:section_key>/add-clause/", views.clause_add, name="clause_add"),
    # Versions and redlines
    path("d/<slug:slug>/versions/", version_views.version_list, name="versions"),
    path("d/<slug:slug>/versions/publish/", version_views.version_publish, name="version_publish"),
    path("d/<slug:slug>/versions/<int:number>/", version_views.version_detail, name="version"),
    path("d/<slug:slug>/compare/", version_views.compare, name="compare"),
    path("d/<slug:slug>/compare/text/<str:digest>/", version_views.compare_text, name="compare_text"),
    path("d/<slug:slug>/versions/<int:number>/export.docx", export_views.version_docx, name="version_docx"),
    path("d/<slug:slug>/versions/<int:number>/export.md", export_views.version_markdown, name="version_markdown"),
    # E-mail deliveries of a declaration (secretariat)
    path("d/<slug:slug>/mail/", mail_views.mail_deliveries, name="mail_deliveries"),
]
