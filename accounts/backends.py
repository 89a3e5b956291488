from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


def _old_username_still_valid(login: str) -> Exists:
    """The connection user name a completed fixed-IP change replaced, until its end date (the
    new plan's first day): the member is not locked out right after the change."""
    from .models import PlanChangeRequest

    return Exists(
        PlanChangeRequest.objects.filter(
            member__user=OuterRef("pk"),
            status=PlanChangeRequest.Status.COMPLETED,
            old_connection_username=login,
            effective_date__gt=timezone.localdate(),
        )
    )


class MemberLoginBackend(ModelBackend):
    """Log in with the member number, the connection user name (also the old one after a fixed-IP
    change, until its end date), the contact e-mail, the OKBNET mail address, or (staff) the
    Django user name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        login = username.strip()
        users = User.objects.filter(
            Q(username=login)
            | Q(member__member_number__iexact=login)
            | Q(member__connection_username=login)
            | Q(member__email__iexact=login)
            | Q(member__mail_address__iexact=login)
            | Q(_old_username_still_valid(login))
        ).distinct()[:2]
        if len(users) != 1:
            User().set_password(password)  # same work either way: no timing hint
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
