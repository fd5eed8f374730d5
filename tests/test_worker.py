"""The background worker: tasks queued with the change that needs them, run by the real
database worker, retried with backoff when they fail, idempotent, and visible to staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import tasks
from articles.models import Comment
from tests.commenting import post_comment
from tests.factories import make_article, make_member, make_staff
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(settings):
    settings.STANDFIRST_COMMENT_NOTIFY = ["desk@example.org"]


@pytest.fixture
def article():
    return make_article(headline="The moderated story")


def results():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_a_pending_comment_queues_one_mail_that_only_the_worker_sends(client, article, moderator):
    post_comment(client, article, body="Please look.")
    [queued] = results()
    assert queued.status == "READY" and queued.task_path == "articles.tasks.notify_moderators"
    assert mail.outbox == []
    run_worker()
    assert len(mail.outbox) == 1 and "Please look." in mail.outbox[0].body
    done = DBTaskResult.objects.get()
    assert done.status == "SUCCESSFUL" and done.return_value == "sent to 1"
    assert Comment.objects.get().notified_at is not None


def test_a_change_that_rolls_back_leaves_no_task(article, moderator):
    with pytest.raises(RuntimeError), transaction.atomic():
        comment = Comment.objects.create(article=article, name="A", email="a@x.net", body="b")
        tasks.notify_moderators.enqueue(comment.pk)
        raise RuntimeError("the action was refused")
    assert results() == []


def test_running_a_task_twice_mails_once_and_a_moderated_comment_not_at_all(
    client, article, moderator
):
    post_comment(client, article, body="First.", email="one@example.net")
    post_comment(client, article, body="Second.", email="two@example.net")
    first, second = Comment.objects.order_by("pk")
    Comment.objects.filter(pk=second.pk).update(status=Comment.Status.APPROVED)
    run_worker()
    tasks.notify_moderators.enqueue(first.pk)  # a duplicate, as a second worker might see
    run_worker()
    assert [m.body.count("First.") for m in mail.outbox] == [1]
    assert sorted(r.return_value for r in results()) == [
        "nothing to do", "nothing to do", "sent to 1",
    ]  # fmt: skip


def test_a_failed_run_is_kept_with_its_error_and_retried_with_backoff(
    client, article, moderator, monkeypatch, settings
):
    settings.STANDFIRST_TASK_ATTEMPTS = 3
    settings.STANDFIRST_TASK_BACKOFF = 30
    failures = []

    def broken_send(*args, **kwargs):
        failures.append(timezone.now())
        raise ConnectionRefusedError("SMTP server is down")

    monkeypatch.setattr("articles.comments.send_mail", broken_send)
    post_comment(client, article, body="Please look.")
    started = timezone.now()
    run_worker()
    failed, retry = results()
    assert failed.status == "FAILED" and "SMTP server is down" in failed.traceback
    assert retry.status == "READY" and retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert timedelta(seconds=29) < retry.run_after - started < timedelta(seconds=35)
    run_worker()  # not due yet: nothing runs
    assert len(failures) == 1

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    third = results()[-1]
    assert third.args_kwargs["kwargs"] == {"attempt": 3}
    assert 59 < (third.run_after - timezone.now()).total_seconds() <= 61  # doubled

    monkeypatch.undo()
    DBTaskResult.objects.filter(pk=third.pk).update(run_after=timezone.now())
    run_worker()
    assert [r.status for r in results()] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_last_attempt(client, article, moderator, monkeypatch, settings):
    settings.STANDFIRST_TASK_ATTEMPTS = 2
    monkeypatch.setattr(
        "articles.comments.send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("down"))
    )
    post_comment(client, article, body="Please look.")
    for _ in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    assert [r.status for r in results()] == ["FAILED", "FAILED"]


def test_editors_see_the_task_results_and_writers_do_not(client, article, moderator):
    post_comment(client, article, body="Please look.")
    run_worker()
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    for user, status in [
        (make_member("eddie", "Editors"), 200),
        (make_staff("root"), 200),
        (make_member("wendy", "Writers"), 403),
        (make_member("mo", "Moderators"), 403),
    ]:
        viewer = Client()
        viewer.force_login(user)
        response = viewer.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert "notify_moderators" in response.content.decode()
