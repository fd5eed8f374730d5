"""A reader posts a comment: post/redirect/get, moderation policy, limits and bot defences."""

import time

import pytest
from django.test import override_settings

from articles.comments import form_time_token, ip_hash
from articles.models import BlockedTerm, Comment, SiteSettings
from tests.commenting import confirm_address, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


def test_post_redirect_get_with_the_pending_notice(client, article):
    response = post_comment(client, article, body="First!\nSecond line.")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?comment=pending#comments"
    assert not response.cookies
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert (comment.name, comment.email) == ("Ann Reader", "ann@example.net")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Thank you: your comment awaits moderation." in html
    assert "First!" not in html  # held: not public yet
    assert not page.cookies


def test_the_page_without_the_notice_says_nothing(client, article):
    html = client.get(article.get_absolute_url() + "?comment=<b>x</b>").content.decode()
    assert "Thank you" not in html and "<b>x</b>" not in html


def test_ip_is_stored_only_as_a_keyed_hash(client, article):
    post_comment(client, article, ip="127.0.0.1")
    comment = Comment.objects.get()
    assert comment.ip_hash == ip_hash("127.0.0.1")
    assert "127.0.0.1" not in str(Comment.objects.values().get())
    assert len(comment.ip_hash) == 64


def test_a_confirmed_known_commenter_is_approved_under_the_first_time_policy(client, article):
    settings = SiteSettings.load()
    settings.comment_moderation = SiteSettings.Moderation.FIRST
    settings.save()
    post_comment(client, article, email="new@example.net")
    assert Comment.objects.get().status == Comment.Status.PENDING
    make_comment(article, email="known@example.net")
    confirm_address(client, "known@example.net")
    response = post_comment(client, article, email="Known@Example.net", body="Approved at once.")
    assert response["Location"].endswith("?comment=published#comments")
    assert Comment.objects.get(body="Approved at once.").status == Comment.Status.APPROVED
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: your comment is published." in html and "Approved at once." in html


def test_every_comment_is_held_by_default(client, article):
    make_comment(article, email="known@example.net")
    post_comment(client, article, email="known@example.net")
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1


def test_html_and_script_render_as_inert_text(client, article):
    make_comment(
        article,
        name='<img src=x onerror="alert(1)">Eve',
        body="<script>alert('x')</script>\n<b>bold</b> & see https://example.org/a?b=1&c=2.\n\nBye",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Eve" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; see" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc">'
        "https://example.org/a?b=1&amp;c=2</a>.</p>\n<p>Bye</p>"
    ) in html


def test_reply_is_shown_under_its_parent(client, article):
    parent = make_comment(article, body="The parent.")
    later = make_comment(article, body="A later comment.")
    response = post_comment(client, article, parent=parent.pk, body="The reply.")
    assert response.status_code == 303
    reply = Comment.objects.get(body="The reply.")
    assert reply.parent == parent
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.APPROVED)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("The parent.") < html.index("The reply.") < html.index("A later comment.")
    assert 'class="comment-replies"' in html
    assert f'href="{article.get_absolute_url()}comment/?reply={later.pk}"' in html


def test_reply_form_page(client, article):
    parent = make_comment(article, name="Bo <Parent>")
    response = client.get(f"{article.get_absolute_url()}comment/?reply={parent.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "Reply to Bo &lt;Parent&gt;" in html
    assert f'<input type="hidden" name="parent" value="{parent.pk}">' in html
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_reply_to_a_hidden_comment_is_refused(client, article, status):
    hidden = make_comment(article, status=status)
    response = post_comment(client, article, parent=hidden.pk, body="A reply.")
    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.content.decode()
    assert Comment.objects.count() == 1


def test_no_reply_to_a_reply(client, article):
    parent = make_comment(article)
    reply = make_comment(article, parent=parent)
    assert post_comment(client, article, parent=reply.pk).status_code == 400
    assert Comment.objects.count() == 2


def test_reply_to_a_comment_on_another_article_is_refused(client, article):
    elsewhere = make_comment(make_article())
    assert post_comment(client, article, parent=elsewhere.pk).status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Please give a name to show with your comment."),
        ({"name": "n" * 81}, "Please keep your name to 80 characters."),
        ({"email": "not-an-address"}, "Please give a valid email address"),
        ({"body": "   "}, "Please write your comment."),
        ({"body": "x"}, "Please write at least 2 characters."),
        ({"body": "x" * 3001}, "Please keep your comment to 3000 characters (it has 3001)."),
        ({"body": "one\x00two"}, "Null characters are not allowed."),
        ({"name": "Ann\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_a_clear_400_and_stores_nothing(client, article, fields, message):
    response = post_comment(client, article, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Your comment was not sent." in html
    assert "no-store" in response["Cache-Control"]
    assert not Comment.objects.exists()


def test_a_400_keeps_what_the_reader_wrote(client, article):
    response = post_comment(client, article, name="", body="Keep <this> text")
    assert "Keep &lt;this&gt; text</textarea>" in response.content.decode()


@override_settings(STANDFIRST_COMMENT_MAX_LINKS=2)
def test_link_limit(client, article):
    two = "See https://a.example/1 and www.b.example/2."
    assert post_comment(client, article, body=two).status_code == 303
    three = two + " And http://c.example/3"
    response = post_comment(client, article, body=three, email="b@example.net")
    assert response.status_code == 400
    assert "Please include at most 2 links (your comment has 3)." in response.content.decode()
    assert Comment.objects.count() == 1


def test_honeypot_is_refused_quietly(client, article):
    response = post_comment(client, article, website="http://spam.example")
    assert response.status_code == 200
    assert "could not be accepted as sent" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(lambda: form_time_token(), id="sent at once"),
        pytest.param(lambda: form_time_token(time.time() + 600), id="from the future"),
        pytest.param(lambda: "", id="missing"),
        pytest.param(lambda: form_time_token(time.time() - 30)[:-2] + "xx", id="forged"),
    ],
)
def test_too_fast_or_forged_fill_time_is_refused_quietly(client, article, started):
    response = post_comment(client, article, started=started())
    assert response.status_code == 200
    assert "could not be accepted as sent" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_form_served_on_the_page_is_refused_when_sent_at_once(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    started = html.split('name="started" value="')[1].split('"')[0]
    response = post_comment(client, article, started=started)
    assert "could not be accepted as sent" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("kind", "term", "fields"),
    [
        ("word", "Casino", {"body": "Best CASINO offers here"}),
        ("word", "cheap pills", {"name": "Cheap Pills Shop"}),
        ("address", "spam.example", {"email": "bot@spam.example"}),
        ("address", "bot@junk.example", {"email": "bot@junk.example"}),
        ("address", "spam.example", {"body": "Visit https://spam.example/offer today"}),
    ],
)
def test_blocklist_sends_matches_to_spam_silently(client, article, kind, term, fields):
    BlockedTerm.objects.create(kind=kind, term=term)
    response = post_comment(client, article, **fields)
    assert response.status_code == 303
    assert response["Location"].endswith("?comment=pending#comments")  # the sender is not told
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_blocked_word_matches_whole_words_only(client, article):
    BlockedTerm.objects.create(kind="word", term="ass")
    post_comment(client, article, body="A fair assessment of the class.")
    assert Comment.objects.get().status == Comment.Status.PENDING


@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=5, STANDFIRST_COMMENT_RATE_WINDOW=600)
def test_rate_limit_per_ip(client, article):
    for n in range(5):
        assert post_comment(client, article, email=f"r{n}@example.net").status_code == 303
    response = post_comment(client, article, email="r6@example.net", body="Sixth")
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert "You have sent several comments in a short time. Please wait 10 minutes" in html
    assert "Sixth</textarea>" in html
    assert Comment.objects.count() == 5
    # Another address is not affected.
    other = post_comment(client, article, email="z@example.net", ip="10.0.0.9")
    assert other.status_code == 303


@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=2)
def test_rate_limit_per_email(client, article):
    for n in range(2):
        ip = f"10.0.1.{n}"
        assert post_comment(client, article, ip=ip).status_code == 303
    assert post_comment(client, article, ip="10.0.1.9").status_code == 429
    assert Comment.objects.count() == 2


def test_comment_counts_on_the_page_and_in_lists(client, article):
    for _ in range(3):
        make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    hidden_parent = make_comment(article, status=Comment.Status.REMOVED)
    make_comment(article, parent=hidden_parent)  # approved, but under a removed comment
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="comment-count">(3)</span>' in html
    home = client.get("/").content.decode()
    assert f'href="{article.get_absolute_url()}#comments">3 comments</a>' in home


def test_list_counts_cost_no_query_per_article(client, django_assert_num_queries):
    SiteSettings.load()
    articles = [make_article() for _ in range(3)]
    client.get("/")
    with django_assert_num_queries(5) as few:
        client.get("/")
    for article in articles * 3:
        make_comment(article)
    for _ in range(5):
        make_article()
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get("/").content.decode()
    assert html.count("3 comments</a>") == 3


@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=1, TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_proxy_the_forwarded_client_address_is_limited(client, article):
    """Readers behind one proxy are told apart by the address the proxy appended."""
    via_proxy = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}  # the client may forge the first
    assert post_comment(client, article, headers=via_proxy, email="a@e.net").status_code == 303
    assert Comment.objects.get().ip_hash == ip_hash("203.0.113.7")
    other = {"X-Forwarded-For": "6.6.6.6, 203.0.113.8"}
    assert post_comment(client, article, headers=other, email="b@e.net").status_code == 303
    again = {"X-Forwarded-For": "1.1.1.1, 203.0.113.7"}
    assert post_comment(client, article, headers=again, email="c@e.net").status_code == 429
