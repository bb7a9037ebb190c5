from rest_framework import serializers

from .markdown import render_markdown
from .models import (
    BoothRevision,
    Category,
    ContactPerson,
    Download,
    Exhibitor,
    ExhibitorStaff,
    Lead,
    Product,
)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "description", "link", "position"]


class DownloadSerializer(serializers.ModelSerializer):
    file = serializers.FileField(required=False, allow_null=True)

    class Meta:
        model = Download
        fields = ["id", "title", "file", "link", "position"]


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "position", "email"]


class ExhibitorSerializer(serializers.ModelSerializer):
    """A booth in the hall; ``can_edit`` comes from the selector's annotation, not a query."""

    categories = CategorySerializer(many=True, read_only=True)
    category_ids = serializers.PrimaryKeyRelatedField(
        source="categories", many=True, write_only=True, required=False, queryset=Category.objects
    )
    description_html = serializers.SerializerMethodField()
    can_edit = serializers.BooleanField(read_only=True, default=False)
    social_links = serializers.ListField(
        child=serializers.URLField(), max_length=10, required=False
    )

    class Meta:
        model = Exhibitor
        fields = [
            "id", "name", "slug", "tagline", "description", "description_html", "categories",
            "category_ids", "tier", "website", "social_links", "video_url", "logo", "status",
            "can_edit",
        ]  # fmt: skip
        read_only_fields = ["id", "slug", "logo", "status"]
        extra_kwargs = {"name": {"required": False}}

    def get_description_html(self, exhibitor) -> str:
        return render_markdown(exhibitor.description)

    def validate_category_ids(self, categories):
        event = self.context.get("event")
        if event is not None and any(category.event_id != event.pk for category in categories):
            raise serializers.ValidationError("The category belongs to another event.")
        return categories


class ExhibitorDetailSerializer(ExhibitorSerializer):
    products = ProductSerializer(many=True, read_only=True)
    downloads = DownloadSerializer(many=True, read_only=True)
    contacts = ContactPersonSerializer(many=True, read_only=True)
    pending_revision = serializers.SerializerMethodField()

    class Meta(ExhibitorSerializer.Meta):
        fields = [
            *ExhibitorSerializer.Meta.fields,
            "review_note",
            "pending_revision",
            "products",
            "downloads",
            "contacts",
        ]
        read_only_fields = [*ExhibitorSerializer.Meta.read_only_fields, "review_note"]

    def get_pending_revision(self, exhibitor) -> dict | None:
        """The edit awaiting review, for those who may edit the booth (others see none)."""
        if not getattr(exhibitor, "can_edit", False):
            return None
        revision = BoothRevision.objects.filter(exhibitor=exhibitor).first()
        if revision is None:
            return None
        logo = None
        if revision.logo:
            request = self.context.get("request")
            logo = request.build_absolute_uri(revision.logo.url) if request else revision.logo.url
        return {
            "fields": revision.fields,
            "category_ids": revision.category_ids,
            "logo": logo,
            "updated_at": revision.updated_at.isoformat(),
        }


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LogoSerializer(serializers.Serializer):
    logo = serializers.FileField()


class StaffSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = ExhibitorStaff
        fields = ["id", "user", "username", "role"]


class LeadCreateSerializer(serializers.Serializer):
    consent = serializers.BooleanField(required=True)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LeadSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Lead
        fields = ["id", "name", "email", "message", "consented_at"]

    def get_name(self, lead) -> str:
        return lead.user.get_full_name() or lead.user.username
