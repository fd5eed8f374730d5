"""The admin site: branded with the publication's name, its index the editor's desk, and
the models grouped by job instead of by Python package.

Installed through cms.apps.NewsroomAdminConfig, so admin.site and @admin.register keep
working. A model missing from JOBS still appears, under "Other"; tests/test_admin_desk.py
fails while that group exists, so a new model gets a job before it ships.
"""

from functools import update_wrapper

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify

from articles import twofactor
from articles.desk import DESK
from articles.models import SiteSettings
from articles.views import twofactor as steps

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
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
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
    """Also the door of the second factor: a staff user who owes it (articles.twofactor)
    opens nothing here but its steps, which the password form leads to."""

    index_template = "admin/desk.html"
    index_title = "Editor's desk"

    def has_permission(self, request):
        return super().has_permission(request) and not twofactor.pending(request.user)

    def admin_view(self, view, cacheable=False):
        """Every admin page that has_permission refuses to a user who owes the second factor
        sends them to its step (not to the password form again); logging out still works."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if not self.has_permission(request) and twofactor.pending(request.user):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return self.logout(request)
                return self._second_factor(request, request.get_full_path())
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def _second_factor(self, request, next_path):
        response = HttpResponseRedirect(steps.step_url(request.user, next_path))
        add_never_cache_headers(response)
        return response

    def login(self, request, extra_context=None):
        """The password form, step one; a user it lets in who owes the second factor is
        led on to it, with the page they asked for."""
        if twofactor.pending(request.user):
            next_path = steps.own_path(request.GET.get("next"), reverse("admin:index"))
            return self._second_factor(request, next_path)
        response = super().login(request, extra_context)
        if request.method == "POST" and twofactor.pending(request.user):
            next_path = steps.own_path(response.get("Location"), reverse("admin:index"))
            return self._second_factor(request, next_path)
        return response

    def get_urls(self):
        # Outside admin_view: a user who owes the second factor must reach them.
        return [
            path("two-factor/", steps.devices, name="two_factor"),
            path("two-factor/verify/", steps.verify, name="two_factor_verify"),
            path("two-factor/enrol/", steps.enrol, name="two_factor_enrol"),
            path("two-factor/recovery-codes/", steps.recovery_codes, name="two_factor_codes"),
            path("two-factor/replace/", steps.replace, name="two_factor_replace"),
            *super().get_urls(),
        ]

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
