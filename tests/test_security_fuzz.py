"""A fuzzer over every public input: query parameters, form fields and the headers we read.

Generated values (Unicode digits, long runs of operators and dashes, control characters,
huge and empty values, bytes that are not UTF-8, lone surrogates as the bytes a client
could send) go through the test client to every public URL; no answer may be a 500 or
carry a traceback. The client re-raises any exception a view lets escape, so an uncaught
error fails the example with its traceback. FUZZ_EXAMPLES (default 40) sets how many
examples each test tries; the counts are printed in the test summary.
"""

import os
import time
from collections import Counter
from urllib.parse import quote_from_bytes

import pytest
from django.core import signing
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.reports import REPORT_SALT
from tests.commenting import comment_data
from tests.factories import make_article, make_author, make_comment, make_section, make_tag

pytestmark = pytest.mark.django_db

# How many inputs each test tried, printed by tests/conftest.py's terminal summary.
TRIED = Counter()

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters parsers trip on: digits of other scripts, operators, dashes, quotes, controls.
ODD = (
    "0123456789²³¹٠١٢٣٤٥٦٧٨٩۵०१२३४५௧๑໑༡၁០᠑１２３⁰⁴₀₁Ⅻ½-‐‑‒–—―−﹣－+*/\\|&!~^%$#@"
    "()[]{}<>\"'`:;,.?=_ \t\x00\x01\x08\x0b\x0c\x1b\x7f\x85\u00a0\u200b\u200e\u202e\ufeff"
    "\ue000\ue001\ufffd😀éß"
)
RUNS = st.builds(
    lambda piece, count: piece * count,
    st.sampled_from(["-", "--", "- ", "-!", "-(", "(", ")", '"', "'", "!", "<", "[", "|",
                     "&", "or ", "-or ", "<->", ":*", "\\", "9", "٩", "%", "*", " "]),
    st.integers(min_value=1, max_value=400),
)  # fmt: skip
VALUES = st.one_of(
    st.just(""),
    st.text(alphabet=ODD, max_size=40),
    RUNS,
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.builds(lambda n: "9" * n, st.integers(min_value=10, max_value=5000)),
    st.builds(lambda n: "x" * n, st.integers(min_value=1000, max_value=20000)),
)
# Bytes as a client may send them percent-encoded: not UTF-8, overlong, lone surrogates.
RAW = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xff\xfe", b"\x80"]),
    VALUES.map(lambda s: s.encode("utf-8", "surrogatepass")),
)
# Header values arrive as latin-1 text in the WSGI environ; no line breaks get that far.
HEADER = st.one_of(
    VALUES.map(lambda s: s.encode("utf-8", "surrogatepass").decode("latin-1")),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
).map(lambda s: s.replace("\r", "").replace("\n", ""))

PARAMETERS = ["page", "q", "reply", "comment", "p", "utm_source"]
HEADERS = [
    "HTTP_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_ORIGIN",
    "HTTP_REFERER",
    "HTTP_SEC_FETCH_SITE",
    "HTTP_COOKIE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_USER_AGENT",
    "HTTP_AUTHORIZATION",
]


@pytest.fixture
def site():
    """One of each public page, with a comment to reply to; returns the public paths."""
    section, tag, author = make_section(), make_tag(), make_author()
    article = make_article(section=section, tags=[tag], authors=[author])
    make_comment(article)
    day = article.published_at
    return {
        "article": article,
        "paths": [
            "/",
            article.get_absolute_url(),
            f"{article.get_absolute_url()}comment/",
            section.get_absolute_url(),
            tag.get_absolute_url(),
            author.get_absolute_url(),
            f"/{day:%Y}/",
            f"/{day:%Y/%m}/",
            f"/{day:%Y/%m/%d}/",
            "/search/",
            "/corrections/",
            "/corrections/feed/",
            "/feed/",
            "/feed/atom/",
            f"{section.get_absolute_url()}feed/",
            f"{tag.get_absolute_url()}feed/atom/",
            "/sitemap.xml",
            "/sitemap-news.xml",
            "/sitemap-articles.xml",
            "/robots.txt",
            "/healthz",
            "/no-such-page/",
            f"/report/{article.pk}/",
        ],
    }


def assert_answered(response):
    assert response.status_code < 500, response.status_code
    assert b"Traceback" not in response.content


def query(name, raw):
    return f"{name}={quote_from_bytes(raw)}"


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=100),
    name=st.sampled_from(PARAMETERS),
    raw=RAW,
    second=st.one_of(st.none(), RAW),
)
@example(which=0, name="page", raw="²".encode(), second=None)
@example(which=2, name="reply", raw="٢".encode(), second=None)
@example(which=2, name="reply", raw=b"9" * 30, second=None)
@example(which=9, name="q", raw=b"-" * 33, second=None)
@example(which=9, name="q", raw=b"(-" * 40 + b"x", second=b"\xed\xa0\x80")
def test_every_query_parameter_on_every_public_page(site, which, name, raw, second):
    paths = site["paths"]
    path = paths[which % len(paths)]
    query_string = query(name, raw) + (f"&page={quote_from_bytes(second)}" if second else "")
    assert_answered(Client().get(f"{path}?{query_string}"))
    TRIED["query parameters"] += 1


@FUZZ
@given(which=st.integers(min_value=0, max_value=100), header=st.sampled_from(HEADERS), value=HEADER)
@example(which=1, header="HTTP_IF_MODIFIED_SINCE", value="Sun, 06 Nov 99999 08:49:37 GMT")
@example(which=1, header="HTTP_IF_NONE_MATCH", value='"' * 3000)
def test_every_header_we_read(site, which, header, value):
    paths = site["paths"]
    path = paths[which % len(paths)]
    assert_answered(Client().get(path, **{header: value}))
    TRIED["headers"] += 1


BROWSER = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
COMMENT_FIELDS = ["name", "email", "body", "website", "started", "parent"]
REPORT_FIELDS = ["kind", "message", "email", "website", "token"]


@FUZZ
@given(
    field=st.sampled_from(COMMENT_FIELDS),
    value=VALUES,
    raw=st.one_of(st.none(), RAW),
)
@example(field="parent", value="٢", raw=None)
@example(field="parent", value="9" * 30, raw=None)
def test_comment_form_fields(site, field, value, raw):
    article = site["article"]
    url = f"{article.get_absolute_url()}comment/"
    if raw is None:
        data = comment_data(**{field: _encodable(value)})
        response = Client().post(url, data, **BROWSER)
    else:
        fields = comment_data() | {field: ""}
        body = "&".join(
            f"{k}={quote_from_bytes(raw) if k == field else quote_from_bytes(str(v).encode())}"
            for k, v in fields.items()
        )
        response = Client().post(
            url, body, content_type="application/x-www-form-urlencoded", **BROWSER
        )
    assert_answered(response)
    TRIED["comment form"] += 1


@FUZZ
@given(field=st.sampled_from(REPORT_FIELDS), value=VALUES, raw=st.one_of(st.none(), RAW))
def test_report_form_fields(site, field, value, raw):
    article = site["article"]
    issued = int(time.time()) - 60
    fields = {
        "token": signing.Signer(salt=REPORT_SALT).sign(f"{article.pk}:{issued}"),
        "kind": "error",
        "message": "The date is wrong.",
        "email": "",
        "website": "",
    }
    url = f"/report/{article.pk}/"
    if raw is None:
        response = Client().post(url, fields | {field: _encodable(value)}, **BROWSER)
    else:
        body = "&".join(
            f"{k}={quote_from_bytes(raw) if k == field else quote_from_bytes(v.encode())}"
            for k, v in fields.items()
        )
        response = Client().post(
            url, body, content_type="application/x-www-form-urlencoded", **BROWSER
        )
    assert_answered(response)
    TRIED["report form"] += 1


def _encodable(value):
    """The test client sends form fields as UTF-8: a lone surrogate goes as raw bytes instead."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# The fuzzer's findings, each kept as a plain test.


@pytest.mark.parametrize("value", ["²", "٢", "１", "9" * 30, " 2", "2\n"])
def test_page_and_reply_take_ascii_numbers_only(site, value):
    article = site["article"]
    assert Client().get("/", {"page": value}).status_code == 404
    reply = Client().get(f"{article.get_absolute_url()}comment/", {"reply": value})
    assert reply.status_code == 200
    assert 'name="parent"' not in reply.content.decode()


@pytest.mark.parametrize("query", ["-" * 33, "- " * 40 + "care", "-!" * 40, "(-" * 40])
def test_runs_of_dashes_search_normally(site, query):
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Search results for" in response.content.decode()
