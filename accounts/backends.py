from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .login_names import users_for_login


class MemberLoginBackend(ModelBackend):
    """Log in with the member number, the connection user name (also the old one after a fixed-IP
    change, until its end date), the contact e-mail, the OKBNET mail address, or (staff) the
    Django user name; read as accounts.login_names reads it for django-axes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        users = users_for_login(username)[:2]
        if len(users) != 1:
            get_user_model()().set_password(password)  # same work either way: no timing hint
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
