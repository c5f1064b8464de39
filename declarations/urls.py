from django.urls import path

from . import views

app_name = "declarations"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("d/<slug:slug>/", views.declaration_detail, name="detail"),
]
