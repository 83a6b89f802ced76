"""Shapes of chat's part of the exchange API (chat/api.py)."""

from rest_framework import serializers


class TranscriptAttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.URLField(help_text="A signed link that works without credentials and expires.")
    thumbnail_url = serializers.URLField(allow_null=True, help_text="Pictures only; signed and expiring too.")


class TranscriptMessageSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    author_role = serializers.CharField()
    author_name = serializers.CharField()
    body = serializers.CharField(allow_blank=True, help_text="Empty when the message is its attachments.")
    payload = serializers.JSONField(allow_null=True)
    created_at = serializers.DateTimeField()
    attachments = TranscriptAttachmentSerializer(many=True)


class TranscriptSerializer(serializers.Serializer):
    conversation = serializers.IntegerField()
    ticket = serializers.IntegerField()
    customer = serializers.CharField()
    status = serializers.CharField()
    messages = TranscriptMessageSerializer(many=True)
