"""A fresh site's two standing policies, so its structured data names a corrections policy
and publishing principles from the start (schema.org correctionsPolicy and
publishingPrinciples). Editors rewrite them in the admin (Policy pages). A bulk writer:
it writes the rows directly and renders their HTML through articles.markdown."""

from django.db import migrations

from articles.markdown import render

STARTER_PAGES = [
    (
        "principles",
        "Publishing principles",
        "publishing-principles",
        "We report what we can verify, say where our information comes from and give the "
        "people we write about a fair chance to respond.\n\n"
        "- **Accuracy first.** Facts are checked before publication; what we do not know, "
        "we say we do not know.\n"
        "- **Attribution.** Work first published elsewhere is republished with the "
        "publisher's permission or licence, and says so at the top of the page.\n"
        "- **Care.** Stories about suicide, abuse or other harm follow the reporting "
        "guidance for those subjects and list support services beside them. We do not "
        "identify people the law or their safety says must not be named.\n"
        "- **Independence.** Advertisers, partners and sources do not decide what we "
        "publish.\n\n"
        "Readers can report an error or raise a concern from the foot of every article.",
    ),
    (
        "corrections",
        "Corrections policy",
        "corrections-policy",
        "When we get something wrong, we correct it promptly and openly.\n\n"
        "- A **correction** fixes a factual error; a **clarification** adds context that "
        "was missing; an **update** adds new information.\n"
        "- Each one is dated and shown at the top and the foot of the article, in its "
        "feed entry and in the public [corrections log](/corrections/).\n"
        "- We do not silently change the substance of a published story.\n\n"
        'To tell us about an error, use "Report an error or raise a concern" on the '
        "article.",
    ),
]


def add_starter_pages(apps, schema_editor):
    PolicyPage = apps.get_model("articles", "PolicyPage")
    for kind, title, slug, body in STARTER_PAGES:
        if not PolicyPage.objects.filter(kind=kind).exists():
            if not PolicyPage.objects.filter(slug=slug).exists():
                PolicyPage.objects.create(
                    kind=kind, title=title, slug=slug, body=body, body_html=render(body)
                )


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_audit_edge_purged")]

    operations = [migrations.RunPython(add_starter_pages, migrations.RunPython.noop)]
