"""API output of the model registry (read-only)."""

from rest_framework import serializers


class ModelCardOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField()
    label = serializers.CharField()
    alias = serializers.CharField(help_text="champion, challenger, archived or empty")
    sections = serializers.DictField(
        help_text="model_details, intended_use, training_data, evaluation_data, metrics, gates, limitations"
    )
    markdown = serializers.CharField(help_text="The card as plain Markdown (escape it when shown as HTML).")
