"""Listen to the one change event (articles.signals) while a block runs."""

from contextlib import contextmanager

from articles.signals import content_changed


@contextmanager
def captured():
    """Yields the list of Change events sent inside the block."""
    seen = []

    def receiver(sender, change, **kwargs):
        seen.append(change)

    content_changed.connect(receiver, dispatch_uid="tests-captured")
    try:
        yield seen
    finally:
        content_changed.disconnect(dispatch_uid="tests-captured")
