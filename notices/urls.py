from django.urls import path

from . import views
from .models import Article

app_name = "notices"

urlpatterns = [
    path("policies/", views.article_list, {"kind": Article.Kind.POLICY}, name="policies"),
    path("policies/<int:pk>/", views.article_detail, {"kind": Article.Kind.POLICY}, name="policy"),
    path("announcements/", views.article_list, {"kind": Article.Kind.NOTICE}, name="announcements"),
    path("announcements/<int:pk>/", views.article_detail, {"kind": Article.Kind.NOTICE}, name="announcement"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("downloads/", views.download_list, name="downloads"),
    path("downloads/<int:pk>/file/", views.download_file, name="download_file"),
    path("links/", views.link_list, name="links"),
    path("messages/", views.message_board, name="messages"),
    path("messages/done/", views.message_done, name="message_done"),
    path("messages/status/", views.message_status, name="message_status"),
    path("notices/manage/", views.manage, name="manage"),
    path("notices/manage/<str:model>/new/", views.item_edit, name="item_new"),
    path("notices/manage/<str:model>/<int:pk>/", views.item_edit, name="item_edit"),
    path("notices/manage/<str:model>/<int:pk>/<str:action>/", views.item_action, name="item_action"),
    path("notices/messages/", views.moderation, name="moderation"),
    path("notices/messages/<int:pk>/", views.moderate, name="moderate"),
]
