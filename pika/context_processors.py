from django.conf import settings


def pika(request):
    # django-htmx's {% htmx_script %} reads the nonce under this name.
    return {"csp_nonce": getattr(request, "csp_nonce", ""), "PIKA_BASE_URL": settings.PIKA_BASE_URL}
