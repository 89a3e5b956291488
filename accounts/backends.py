from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class MemberLoginBackend(ModelBackend):
    """Log in with the connection user name, the contact e-mail, the OKBNET mail address,
    or (staff) the Django user name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        login = username.strip()
        users = User.objects.filter(
            Q(username=login)
            | Q(member__connection_username=login)
            | Q(member__email__iexact=login)
            | Q(member__mail_address__iexact=login)
        ).distinct()[:2]
        if len(users) != 1:
            User().set_password(password)  # same work either way: no timing hint
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
