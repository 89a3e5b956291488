from django.conf import settings


def support_center(request):
    """The support center's phone number for the footer of every page."""
    return {"support_phone": settings.OKBNET_SUPPORT_PHONE}
