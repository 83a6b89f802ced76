"""{% load masking %}: {{ customer.email|masked_email }}, {{ customer.phone|masked_phone }} (tickets/masking.py)."""

from django import template

from tickets.masking import mask_email, mask_phone

register = template.Library()
register.filter("masked_email", mask_email)
register.filter("masked_phone", mask_phone)
