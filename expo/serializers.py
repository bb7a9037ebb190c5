from rest_framework import serializers

from .models import Category, Exhibitor


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ExhibitorSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Exhibitor
        fields = ["id", "name", "slug", "tagline", "description", "categories", "tier", "website"]
        read_only_fields = fields
