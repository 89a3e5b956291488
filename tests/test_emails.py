"""E-mails are rendered from template triples and sent by the real worker."""

import pytest
from django.core import mail
from django.db import transaction

from okbnet_portal.emails import email_queue, email_send_after_commit

from .waiting import wait_for


@pytest.mark.django_db(transaction=True)
def test_a_queued_email_is_sent_by_the_worker_after_commit(celery_worker):
    with transaction.atomic():
        email_queue(template="emails/test", to=["taro@example.jp"], context={"name": "太郎"})
        assert mail.outbox == []  # nothing leaves before the commit
    wait_for(lambda: mail.outbox, what="the e-mail")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taro@example.jp"]
    assert message.subject == "OKBNET テストメッセージ"
    assert "太郎" in message.body
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_its_email_itself_right_after_commit_and_not_before():
    with transaction.atomic():
        email_send_after_commit(template="emails/test", to=["hanako@example.jp"], context={"name": "花子"})
        assert mail.outbox == []  # nothing leaves before the commit
    (message,) = mail.outbox  # sent in this process at commit, no second task
    assert message.to == ["hanako@example.jp"] and "花子" in message.body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_worker_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send_after_commit(template="emails/test", to=["hanako@example.jp"], context={"name": "花子"})
        raise RuntimeError("the work failed")
    assert mail.outbox == []
