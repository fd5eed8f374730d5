"""The admin site: branded with the publication's name, its index the editor's desk, and
the models grouped by job instead of by Python package.

Installed through cms.apps.NewsroomAdminConfig, so admin.site and @admin.register keep
working. A model missing from JOBS still appears, under "Other"; tests/test_admin_desk.py
fails while that group exists, so a new model gets a job before it ships.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.text import slugify

from articles.desk import DESK
from articles.models import SiteSettings

JOBS = {
    "Newsroom": [
        "articles.article",
        "articles.section",
        "articles.tag",
        "articles.author",
        "articles.callout",
        "articles.correction",
        "articles.feedsubscription",
        "articles.imagerights",
    ],
    "Comments": ["articles.comment", "articles.blockedterm"],
    "Trust and safeguarding": [
        "articles.problemreport",
        "articles.donotidentify",
        "articles.legalhold",
        "articles.republication",
        "articles.sourcesnapshot",
        "articles.sourcealert",
        "articles.sourcewatch",
        "articles.sealedsource",
        "articles.workflow",
    ],
    "Partners": ["articles.partner", "articles.apikey", "articles.republishing"],
    "Site": [
        "articles.sitesettings",
        "articles.policypage",
        "articles.helpline",
        "articles.articlepath",
        "articles.webhookendpoint",
        "auth.user",
        "auth.group",
        "axes.accessattempt",
    ],
    "Records": [
        "articles.auditentry",
        "articles.webhookdelivery",
        "django_tasks_database.dbtaskresult",
        "axes.accesslog",
        "axes.accessfailurelog",
    ],
}
UNGROUPED = "Other"


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/desk.html"
    index_title = "Editor's desk"

    def each_context(self, request):
        name = SiteSettings.load().publication_name
        return {
            **super().each_context(request),
            "site_header": f"{name} newsroom",
            "site_title": f"{name} newsroom",
        }

    def get_app_list(self, request, app_label=None):
        """Every model the user may open, once, in the group of its job, in JOBS' order.
        An app's own page (app_label given) stays Django's."""
        if app_label:
            return super().get_app_list(request, app_label)
        models = {
            entry["model"]._meta.label_lower: entry
            for app in super().get_app_list(request)
            for entry in app["models"]
        }
        index = reverse("admin:index", current_app=self.name)
        groups = [
            (name, [models.pop(label) for label in labels if label in models])
            for name, labels in JOBS.items()
        ]
        groups.append((UNGROUPED, sorted(models.values(), key=lambda entry: entry["name"])))
        return [
            {
                "name": name,
                "app_label": slugify(name),
                # The index, not an app page; the fragment keeps the sidebar from marking
                # every group as the current one.
                "app_url": f"{index}#{slugify(name)}",
                "has_module_perms": True,
                "models": entries,
            }
            for name, entries in groups
            if entries
        ]

    def index(self, request, extra_context=None):
        return super().index(request, {"desk": self.desk(request), **(extra_context or {})})

    def desk(self, request):
        """The desk items this user's admin pages let them open: one count query each."""
        items = []
        for item in DESK:
            model_admin = self.get_model_admin(item.model)
            if not model_admin.has_view_or_change_permission(request):
                continue
            opts = item.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.name
            )
            rows = model_admin.get_queryset(request)
            rows = item.rows(rows, request.user) if item.personal else item.rows(rows)
            items.append({"label": item.label, "count": rows.count(), "url": f"{url}?{item.query}"})
        return items
