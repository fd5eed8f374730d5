"""Posting a comment as a reader's browser does: same-origin headers, a form served earlier."""

import time

from articles.comments import form_time_token


def comment_data(**overrides):
    return {
        "name": "Ann Reader",
        "email": "ann@example.net",
        "body": "A thoughtful comment.",
        "website": "",
        "started": form_time_token(time.time() - 30),
    } | overrides


def post_comment(client, article, headers=None, ip="127.0.0.1", **overrides):
    """POST to the article's comment URL with the Origin a browser on this site sends.

    headers override the browser's (None drops one); ip is the sender's REMOTE_ADDR.
    """
    headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"} | (headers or {})
    headers = {k: v for k, v in headers.items() if v is not None}
    return client.post(
        f"{article.get_absolute_url()}comment/",
        comment_data(**overrides),
        headers=headers,
        REMOTE_ADDR=ip,
    )


def confirm_address(client, email):
    """Open the confirmation link mailed to `email`, as its owner does in their browser."""
    from urllib.parse import urlsplit

    from articles.commenters import confirmation_url

    return client.get(urlsplit(confirmation_url(email)).path)
