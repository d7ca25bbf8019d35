from django.urls import path

from shares import api, views

app_name = "shares"

# The rep's pages, under /shares/.
urlpatterns = [
    path("", views.my_shares, name="mine"),
    path("new/", views.new_share, name="new"),
    path("<int:pk>/", views.share_detail, name="detail"),
    path("<int:pk>/revoke/", views.revoke_share, name="revoke"),
]

# What buyers open, under /s/.
buyer_urlpatterns = [
    path("<str:token>/", views.buyer_page, name="buyer_page"),
    path("<str:token>/pdf/", views.buyer_pdf, name="buyer_pdf"),
]

api_urlpatterns = [
    path("", api.shares, name="api_shares"),
    path("<int:pk>/", api.share, name="api_share"),
]
