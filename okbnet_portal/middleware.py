from django.conf import settings


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
