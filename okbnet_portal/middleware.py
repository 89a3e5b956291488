from django.conf import settings
from django.utils.cache import patch_cache_control


class QueryLanguageMiddleware:
    """`?lang=en` (or `ja`) picks the language and remembers it in the language cookie.

    Runs before LocaleMiddleware, which then reads the cookie as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.GET.get("lang")
        if lang not in self.languages:
            return self.get_response(request)
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response


class PrivatePagesMiddleware:
    """Pages for a logged-in person, and the API's answers, hold personal data: no shared cache
    (a proxy, a CDN) and no browser history may keep them (`Cache-Control: private, no-store`).

    A response that chose its own caching (the carriers' public list, Django's never_cache) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/v1/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
