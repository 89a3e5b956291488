"""Tickets: the transition map, the append-only history, who did what."""

import pytest

from okbnet_portal.api.authentication import APIClient
from okbnet_portal.errors import InvalidInput as ValidationError
from support import services
from support.models import AppendOnly, Ticket, TicketEvent

from .factories import MemberFactory, StaffFactory


@pytest.fixture
def ticket(db):
    return services.ticket_open(member=MemberFactory(), category="op25b", subject="Port 25", by=None)


def test_a_ticket_gets_a_readable_number_and_an_opening_event(ticket):
    assert ticket.number.startswith("T-20") and ticket.number.endswith(f"{ticket.pk:06d}")
    (event,) = ticket.events.all()
    assert event.kind == "created" and event.actor_name == "system"


def test_it_follows_the_transition_map_and_records_each_change(ticket):
    staff = StaffFactory()
    services.ticket_change_status(ticket=ticket, status="open", by=staff)
    services.ticket_change_status(ticket=ticket, status="resolved", by=staff)
    with pytest.raises(services.TransitionNotAllowed):
        services.ticket_change_status(ticket=ticket, status="pending", by=staff)
    changes = list(ticket.events.filter(kind="status").values_list("old_value", "new_value", "actor_name"))
    assert changes == [("new", "open", staff.username), ("open", "resolved", staff.username)]
    assert ticket.events.filter(kind="status").first().actor_user == staff


@pytest.mark.parametrize(("old", "new"), [(o, n) for o, targets in Ticket.TRANSITIONS.items() for n in sorted(targets)])
def test_every_transition_of_the_map_is_allowed(db, old, new):
    t = services.ticket_open(member=None, category="other", subject="x", by=None)
    Ticket.objects.filter(pk=t.pk).update(status=old)
    assert services.ticket_change_status(ticket=t.pk, status=new, by=None).status == new


def test_an_api_client_is_recorded_by_its_name(ticket):
    from accounts.models import ClientAPIKey

    key, _raw = ClientAPIKey.objects.create_key(name="call-center", scopes=["write"])
    services.ticket_comment(ticket=ticket, body="Called the member", public=False, by=APIClient(key))
    note = ticket.events.get(kind="internal_note")
    assert note.actor_name == "api:call-center" and note.actor_user is None


def test_a_public_reply_opens_a_new_ticket(ticket):
    services.ticket_comment(ticket=ticket, body="We are on it", public=True, by=StaffFactory())
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_only_staff_can_be_assigned(ticket):
    staff = StaffFactory()
    services.ticket_assign(ticket=ticket, assignee=staff, by=staff)
    assert ticket.events.get(kind="assignment").new_value == staff.username
    with pytest.raises(ValidationError) as refused:
        services.ticket_assign(ticket=ticket, assignee=MemberFactory().user, by=staff)
    assert "assignee" in refused.value.errors


def test_events_cannot_be_changed_or_deleted(ticket):
    event = ticket.events.first()
    event.body = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()


def test_an_empty_comment_is_refused(ticket):
    with pytest.raises(ValidationError) as refused:
        services.ticket_comment(ticket=ticket, body="  ", public=True, by=None)
    assert "body" in refused.value.errors
    assert not TicketEvent.objects.filter(kind="public_reply").exists()
