"""The signed-in person's notifications."""

from django.urls import path

from ..views import notifications

app_name = "notifications"

urlpatterns = [
    path("", notifications.notification_list, name="list"),
    path("lues/", notifications.notification_mark_read, name="mark_read"),
]
