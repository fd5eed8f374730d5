from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with our site (cms.admin) as admin.site."""

    default_site = "cms.admin.NewsroomAdminSite"
