from django.urls import path

from . import views

app_name = "counter"
urlpatterns = [
    path("", views.home, name="home"),
    path("visit/end/", views.visit_end, name="visit-end"),
    path("find/", views.find, name="find"),
    path("member/<int:pk>/", views.member, name="member"),
    path("unit/<int:pk>/", views.unit, name="unit"),
    path("record/<int:pk>/", views.record, name="record"),
    path("record/<int:pk>/copy/", views.copy, name="copy"),
    path("page/<int:pk>/image/", views.page_image, name="page-image"),
    path("page/<int:pk>/thumbnail/", views.page_thumbnail, name="page-thumbnail"),
]
