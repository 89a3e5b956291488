"""Reads about members, scoped to the person asking."""

from django.http import Http404

from .models import Member, User


def member_for_user(user: User) -> Member:
    """The member record of a logged-in user, with its plan; 404 for users who are not members
    (staff accounts have no member page)."""
    try:
        return Member.objects.select_related("plan").get(user=user)
    except Member.DoesNotExist:
        raise Http404("No member for this user") from None
