"""E-mails are rendered from template triples and sent by the real worker."""

import pytest
from django.core import mail
from django.db import transaction

from okbnet_portal.emails import email_queue

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
