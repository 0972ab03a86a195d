from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Dutch first: pages are Dutch unless the person chose English.

    A choice made with the language switch in this browser (the language cookie) wins; otherwise a logged-in
    person's preferred language; otherwise Dutch. The browser's Accept-Language is deliberately ignored: a Dutch
    government site should not turn English because a computer was set up in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            user = getattr(request, "user", None)
            language = user.preferred_language if user is not None and user.is_authenticated else None
            language = language or settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
