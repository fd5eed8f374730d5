"""manage.py demo_newsroom: a small, invented newsroom for `make run`, so every reader
feature can be seen at once: sections, tags, authors with bios and photos, helplines,
policy pages, articles with hero images (enough to fill every block of the home page), one
open for comments with approved comments, one with a correction, one sensitive story.

Written through the newsroom actions as the system actor "demo", like an editor's work.
The one exception: readers' comments are stored as pending rows (they come from no form
here) and then approved through the moderation action. Idempotent: what already exists
(by slug) is left alone, so running it twice adds nothing. Images are drawn with Pillow
(initials or shapes on a colour); nothing is downloaded. Every story is invented and says
so; the sensitive story names no one.
"""

import io
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from articles import reviews, roles
from articles.actions import articles as article_actions
from articles.actions import comments as comment_actions
from articles.actions import corrections as correction_actions
from articles.actions import filing
from articles.actions import reviews as review_actions
from articles.actors import SystemActor
from articles.models import (
    Article,
    Author,
    Byline,
    Comment,
    Correction,
    Helpline,
    PolicyPage,
    Section,
    Tag,
)

DEMO = SystemActor("demo")
NOTE = "*Demo content: this story, its people and its places are invented.*\n\n"

SECTIONS = [
    ("News", "news", "The day's reporting from across social care."),
    ("Children's services", "childrens-services", "Fostering, adoption and child protection."),
    ("Adult care", "adult-care", "Care homes, home care and the people who rely on them."),
    ("Workforce", "workforce", "Pay, caseloads and working life in social care."),
]
TAGS = [
    ("Fostering", "fostering"),
    ("Care homes", "care-homes"),
    ("Pay", "pay"),
    ("Caseloads", "caseloads"),
    ("Mental health", "mental-health"),
    ("Demo content", "demo-content"),
]
# Invented people: initials, colour for the photo.
AUTHORS = [
    ("Nadia Brightwater", "nadia-brightwater", "Social affairs reporter", "#1d5c8c",
     "Nadia covers children's services and fostering. Before joining us she spent six "
     "years on a regional daily. (Demo author.)"),
    ("Owen Marchetti", "owen-marchetti", "Workforce correspondent", "#8a3b12",
     "Owen writes about pay, caseloads and the people who do the work. (Demo author.)"),
    ("Priya Valcourt", "priya-valcourt", "Data editor", "#2f6b3a",
     "Priya turns surveys and council returns into stories readers can check. "
     "(Demo author.)"),
]  # fmt: skip
HELPLINES = [
    ("Samaritans", "Someone to talk to, day or night, about anything.", "116 123",
     "https://www.samaritans.org/"),
    ("Childline", "Free, confidential support for anyone under 19.", "0800 1111",
     "https://www.childline.org.uk/"),
]  # fmt: skip
POLICIES = [
    ("ethics", "Ethics policy", "ethics",
     "We are independent, we declare our interests, and we never pay sources."),
    ("feedback", "Feedback and complaints", "feedback",
     "Tell us what we got wrong or what we missed: every report reaches an editor."),
]  # fmt: skip
ARTICLES = [
    {
        "slug": "demo-council-recruits-foster-carers",
        "headline": 'Council recruits 40 foster carers after "kitchen table" campaign',
        "kicker": "Fostering",
        "standfirst": "Evening drop-ins in libraries and community centres doubled the "
        "number of families who applied, the council says.",
        "body": "Brackenford council says a year of informal evening drop-ins brought in 40 "
        "new foster carers, twice the number it approved the year before.\n\n"
        'Carers-to-be met serving foster families over tea rather than in an office. "People '
        "wanted to ask the questions they thought were silly,\" said the service's manager, "
        'Ellen Sparrow. "Nobody\'s question was silly."\n\n'
        "## What changed\n\n"
        "The council also shortened its assessment from eight months to five, with a named "
        "social worker for each applicant.\n\n"
        "The number of children placed with carers outside the area fell by a fifth.",
        "section": "childrens-services",
        "tags": ["fostering", "demo-content"],
        "authors": ["nadia-brightwater"],
        "hours_ago": 3,
        "featured": True,
        "comments_open": True,
        "colour": "#1d5c8c",
        "alt": "Illustration: a kitchen table with two mugs (demo image)",
    },
    {
        "slug": "demo-care-home-staff-pay-rise",
        "headline": "Care home staff win pay rise after six-month dispute",
        "kicker": "Pay",
        "standfirst": "Workers at a group of twelve homes will be paid above the local "
        "living wage from April.",
        "body": "Staff at the Hollins Vale group of care homes have accepted a pay offer "
        "that lifts the lowest rate to £13.10 an hour.\n\n"
        "The union said the deal would help the homes keep experienced staff. The group "
        "said the rise would be paid for without raising fees for current residents.\n\n"
        "Agency spending at the homes rose by a third during the dispute.",
        "section": "workforce",
        "tags": ["pay", "care-homes", "demo-content"],
        "authors": ["owen-marchetti"],
        "hours_ago": 26,
        "colour": "#8a3b12",
        "alt": "Illustration: a bar chart rising to the right (demo image)",
        "correction": "An earlier version said the homes number fourteen. There are twelve.",
    },
    {
        "slug": "demo-caseloads-survey",
        "headline": "Social workers' caseloads at a record high, survey finds",
        "standfirst": "Two in three children's social workers say they hold more cases than "
        "they can manage safely.",
        "body": "A survey of 1,200 social workers, carried out for this demo, found an "
        "average caseload of 23 children, up from 19 three years ago.\n\n"
        "Most said they spent more time on recording than with families.\n\n"
        "| Year | Average caseload |\n|---|---|\n| 2023 | 19 |\n| 2024 | 21 |\n"
        "| 2025 | 23 |",
        "section": "workforce",
        "tags": ["caseloads", "demo-content"],
        "authors": ["priya-valcourt", "owen-marchetti"],
        "hours_ago": 50,
        "colour": "#2f6b3a",
        "alt": "Illustration: a stack of case files (demo image)",
    },
    {
        "slug": "demo-adult-care-inspections-explained",
        "headline": "What the new adult care inspections mean for families",
        "kicker": "Explainer",
        "standfirst": "Inspectors will ask residents and relatives first. Here is what "
        "changes, and what does not.",
        "body": "From next spring, inspections of care homes will start with the people "
        "who live there and their families.\n\n"
        "- Inspectors will visit in the evening as well as by day.\n"
        "- Each report will say what residents said, in their words.\n"
        "- Ratings stay the same: outstanding, good, requires improvement, inadequate.",
        "section": "adult-care",
        "tags": ["care-homes", "demo-content"],
        "authors": ["nadia-brightwater"],
        "hours_ago": 75,
        "work_type": Article.WorkType.ANALYSIS,
        "colour": "#5b3f8c",
        "alt": "Illustration: a clipboard with a checklist (demo image)",
    },
    {
        "slug": "demo-young-carers-support",
        "headline": "Families call for better support for young carers' mental health",
        "kicker": "Mental health",
        "standfirst": "A group of families says young people caring for a parent wait too "
        "long for help when they are struggling.",
        "body": "Families who met council leaders this week said young carers should be "
        "offered support before they reach a crisis, not after.\n\n"
        "None of the families wished to be named. One parent said their child had waited "
        "nine months for a first appointment.\n\n"
        "The council said it would review waiting times with the local health trust.",
        "section": "news",
        "tags": ["mental-health", "demo-content"],
        "authors": ["nadia-brightwater"],
        "hours_ago": 98,
        "sensitive": True,
        "content_note": "This story discusses young people's mental health and suicidal feelings.",
    },
    {
        "slug": "demo-opinion-recording",
        "headline": "Opinion: we should count the hours, not only the cases",
        "standfirst": "Caseload numbers hide the work that takes longest.",
        "body": "Every year we publish caseload figures, and every year they tell half the "
        "story.\n\nA case with a court deadline is not the same as a case in review.",
        "section": "workforce",
        "tags": ["caseloads", "demo-content"],
        "authors": ["owen-marchetti"],
        "hours_ago": 140,
        "work_type": Article.WorkType.OPINION,
    },
    # Older, shorter pieces: enough that the home page has a block per section below the
    # latest, as a working newsroom's would.
    {
        "slug": "demo-council-opens-family-hub",
        "headline": "Family hub opens in a former bank on the high street",
        "standfirst": "Health visitors, debt advice and a parents' group now share one door.",
        "body": "The hub is open six days a week and is run with two local charities.",
        "section": "news",
        "tags": ["demo-content"],
        "authors": ["nadia-brightwater"],
        "hours_ago": 170,
        "colour": "#0f6e6e",
        "alt": "Illustration: an open door on a street (demo image)",
    },
    {
        "slug": "demo-winter-pressures-plan",
        "headline": "Winter plan promises faster discharge from hospital to home care",
        "standfirst": "Twenty extra care workers will be hired for the coldest months.",
        "body": "The council and the hospital trust will share one team to arrange care at home.",
        "section": "news",
        "tags": ["care-homes", "demo-content"],
        "authors": ["owen-marchetti"],
        "hours_ago": 190,
        "colour": "#3c5a99",
        "alt": "Illustration: a snowflake over a house (demo image)",
    },
    {
        "slug": "demo-adoption-panel-waits",
        "headline": "Adoption panels clear their waiting list for the first time in years",
        "standfirst": "Families approved this autumn waited eleven weeks, down from seven months.",
        "body": "The regional adoption agency added two panels a month and moved them online.",
        "section": "childrens-services",
        "tags": ["fostering", "demo-content"],
        "authors": ["priya-valcourt"],
        "hours_ago": 210,
        "colour": "#7a4f9a",
        "alt": "Illustration: a calendar with pages turning (demo image)",
    },
    {
        "slug": "demo-care-leavers-rent",
        "headline": "Care leavers to get help with their first deposit and rent",
        "standfirst": "The scheme covers young people up to the age of 25.",
        "body": "The council will guarantee the first six months' rent for care leavers.",
        "section": "childrens-services",
        "tags": ["demo-content"],
        "authors": ["nadia-brightwater"],
        "hours_ago": 260,
        "colour": "#a0522d",
        "alt": "Illustration: a key on a ring (demo image)",
    },
    {
        "slug": "demo-home-care-visits-time",
        "headline": "Home care visits to last at least 30 minutes under new contracts",
        "standfirst": "Fifteen-minute visits will end by the summer, the council says.",
        "body": "Providers will be paid for travel time between visits for the first time.",
        "section": "adult-care",
        "tags": ["care-homes", "demo-content"],
        "authors": ["owen-marchetti"],
        "hours_ago": 230,
        "colour": "#2e7d5b",
        "alt": "Illustration: a clock face (demo image)",
    },
    {
        "slug": "demo-day-centre-reopens",
        "headline": "Day centre reopens after a campaign by the people who use it",
        "standfirst": "Members raised money for a new roof and volunteer on the door.",
        "body": "The centre closed for repairs two years ago and was due to be sold.",
        "section": "adult-care",
        "tags": ["demo-content"],
        "authors": ["priya-valcourt"],
        "hours_ago": 280,
    },
    {
        "slug": "demo-agency-spending-falls",
        "headline": "Spending on agency social workers falls by a quarter",
        "standfirst": "More permanent staff stayed after a retention bonus, figures show.",
        "body": "The council spent £3.1m on agency staff last year, down from £4.2m.",
        "section": "workforce",
        "tags": ["pay", "demo-content"],
        "authors": ["priya-valcourt"],
        "hours_ago": 300,
        "colour": "#8c6d1f",
        "alt": "Illustration: a bar chart falling to the right (demo image)",
    },
    {
        "slug": "demo-apprentices-care-work",
        "headline": "First care apprentices finish their training",
        "standfirst": "Eighteen of the twenty who started are now in permanent jobs.",
        "body": "The apprenticeship mixes classroom days with paid shifts in care homes.",
        "section": "workforce",
        "tags": ["demo-content"],
        "authors": ["owen-marchetti"],
        "hours_ago": 330,
        "colour": "#5a6e2e",
        "alt": "Illustration: a certificate with a ribbon (demo image)",
    },
]
COMMENTS = [
    ("Jo from Brackenford", "We went to one of these evenings last year. It made the "
     "difference: we are approved carers now."),
    ("A foster carer", "Five months is still a long time, but it is a start."),
    ("Sam", "Good to see the number placed out of area falling."),
]  # fmt: skip


def _font(size):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _png(image, name):
    data = io.BytesIO()
    image.save(data, "PNG")
    return ContentFile(data.getvalue(), name=name)


def portrait(name, colour):
    """A 400 px square: the author's initials on a colour."""
    image = Image.new("RGB", (400, 400), colour)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    ImageDraw.Draw(image).text((200, 200), initials, fill="white", font=_font(160), anchor="mm")
    return _png(image, f"{name.lower().replace(' ', '-')}.png")


def hero(slug, colour):
    """A 1600 x 900 illustration: bands and circles on a colour, marked as a demo image."""
    image = Image.new("RGB", (1600, 900), colour)
    draw = ImageDraw.Draw(image)
    seed = sum(map(ord, slug))
    for i in range(6):
        x, y, r = (seed * (i + 3)) % 1600, (seed * (i + 7)) % 900, 80 + (seed * i) % 220
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 0), outline="white",
                     width=10)  # fmt: skip
    draw.rectangle((0, 760, 1600, 900), fill="#1a1a1a")
    draw.text((60, 830), "Demo image", fill="white", font=_font(64), anchor="lm")
    return _png(image, f"{slug}.png")


def demo_lawyer():
    """The demo's lawyer: a member of the legal role who never logs in (no password)."""
    user, created = get_user_model().objects.get_or_create(
        username="demo.lawyer", defaults={"is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=roles.LEGAL))
    return user


class Command(BaseCommand):
    help = "Load a small invented newsroom (local mode only); safe to run again."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refused: production mode. The demo newsroom is for make run.")
        sections = {slug: self._section(name, slug, text) for name, slug, text in SECTIONS}
        tags = {slug: self._get_or_save(Tag, slug, name=name) for name, slug in TAGS}
        authors = {
            slug: self._get_or_save(
                Author, slug, name=name, role=role, bio=bio, photo=portrait(name, colour)
            )
            for name, slug, role, colour, bio in AUTHORS
        }
        for position, (name, description, phone, url) in enumerate(HELPLINES):
            if not Helpline.objects.filter(name=name).exists():
                filing.save(DEMO, Helpline(name=name, description=description, phone=phone,
                                           url=url, position=position))  # fmt: skip
        for kind, title, slug, body in POLICIES:
            if not PolicyPage.objects.filter(slug=slug).exists():
                filing.save(DEMO, PolicyPage(kind=kind, title=title, slug=slug, body=body))
        added = [
            spec["slug"]
            for spec in ARTICLES
            if self._article(spec, sections, tags, authors) is not None
        ]
        self.stdout.write(
            f"Demo newsroom: {len(added)} article(s) added"
            + (f" ({', '.join(added)})" if added else "; it was already loaded")
        )

    def _get_or_save(self, model, slug, **fields):
        existing = model.objects.filter(slug=slug).first()
        return existing or filing.save(DEMO, model(slug=slug, **fields))

    def _section(self, name, slug, description):
        return self._get_or_save(Section, slug, name=name, description=description)

    def _article(self, spec, sections, tags, authors):
        """The article of one spec, with its comments and correction; None if it exists."""
        if Article.objects.filter(slug=spec["slug"]).exists():
            return None
        article = Article(
            slug=spec["slug"],
            headline=spec["headline"],
            kicker=spec.get("kicker", ""),
            standfirst=spec["standfirst"],
            body=NOTE + spec["body"],
            section=sections[spec["section"]],
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=spec["hours_ago"]),
            featured=spec.get("featured", False),
            work_type=spec.get("work_type", Article.WorkType.NEWS),
            sensitive=spec.get("sensitive", False),
            content_note=spec.get("content_note", ""),
            comments_closed=not spec.get("comments_open", False),
        )
        if "colour" in spec:
            article.hero_image = hero(spec["slug"], spec["colour"])
            article.hero_alt = spec["alt"]
            article.hero_credit = "Standfirst demo"

        def relations():
            article.tags.set([tags[slug] for slug in spec["tags"]])
            for position, slug in enumerate(spec["authors"]):
                Byline.objects.create(article=article, author=authors[slug], position=position)

        published_at = article.published_at
        if article_actions.save_unless_held(
            DEMO, article, expected_version=None, relations=relations
        ):
            # The sensitive story waits for its legal read, as any would; the demo's own
            # lawyer reads it, and it is published as it would be after.
            for state in reviews.review_of(article).waiting:
                review_actions.decide(
                    demo_lawyer(), article, state.step.name, "approved", "Demo: cleared."
                )
            article = Article.objects.get(pk=article.pk)
            article.status, article.published_at = Article.Status.PUBLISHED, published_at
            article_actions.save(DEMO, article, expected_version=article.version)
        if "correction" in spec:
            correction_actions.add(DEMO, Correction(article=article, text=spec["correction"]))
        if spec.get("comments_open"):
            now = timezone.now()
            pending = [
                Comment.objects.create(
                    article=article,
                    name=name,
                    email=f"reader{n}@example.org",
                    body=body,
                    status=Comment.Status.PENDING,
                    created_at=now - timedelta(minutes=90 - 20 * n),
                )
                for n, (name, body) in enumerate(COMMENTS)
            ]
            comment_actions.moderate(
                DEMO, Comment.objects.filter(pk__in=[c.pk for c in pending]),
                Comment.Status.APPROVED,
            )  # fmt: skip
        return article
