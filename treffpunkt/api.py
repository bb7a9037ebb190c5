"""Shared REST pieces: pagination, the error mapping and the permission class over access rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import AccessDenied, DomainError, NotFound


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """Map domain errors once: 400/409 with field errors, 403, 404."""
    if isinstance(exc, DomainError):
        return Response(exc.as_detail(), status=exc.status)
    if isinstance(exc, AccessDenied):
        request = context.get("request")
        if request is not None and not request.user.is_authenticated:
            # A 401 names the scheme to use; DRF adds WWW-Authenticate only to its own exceptions.
            exc = exceptions.NotAuthenticated()
            exc.auth_header = context["view"].get_authenticate_header(request)
        else:
            return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, NotFound):
        return Response({"detail": exc.message}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class ReadOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS
