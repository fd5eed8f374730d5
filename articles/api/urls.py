from django.urls import path

from articles.api import views

urlpatterns = [
    path("api/v1/articles/", views.article_list, name="api_articles"),
    path("api/v1/articles/<int:pk>/", views.article_detail, name="api_article"),
    path("api/v1/feed/", views.partner_feed, name="api_feed"),
    path("api/v1/republished/<int:pk>.gif", views.snippet_image, name="api_snippet_image"),
]
