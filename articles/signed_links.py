"""Links that name one row by a signed token: preview links and legal sign-off links.

The token is django.core.signing's TimestampSigner output over the row's random token_id,
stamped with the row's creation time, so it is the same every time it is made and its
maximum age counts from creation. A tampered or expired token reads as None.
"""

from django.core import signing


class _CreationTimeSigner(signing.TimestampSigner):
    def __init__(self, salt, created_at):
        super().__init__(salt=salt)
        self.created_at = created_at

    def timestamp(self):
        return signing.b62_encode(int(self.created_at.timestamp()))


def sign(salt, token_id, created_at):
    return _CreationTimeSigner(salt, created_at).sign(token_id)


def unsign(salt, value, max_age):
    """The token_id a token carries, or None if it was tampered with or has expired."""
    try:
        return signing.TimestampSigner(salt=salt).unsign(value, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
