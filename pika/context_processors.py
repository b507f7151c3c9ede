from django.conf import settings


def pika(request):
    # The CSP nonce, for a template that must mark a tag with it (django-csp's name).
    return {"csp_nonce": getattr(request, "csp_nonce", ""), "PIKA_BASE_URL": settings.PIKA_BASE_URL}
