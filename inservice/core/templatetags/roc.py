"""Template filters for ROC-calendar dates and masked names."""

from django import template

from inservice.core import masking, roc

register = template.Library()


@register.filter
def roc_date(value):
    """114/09/01"""
    return roc.roc_short(value)


@register.filter
def roc_date_long(value):
    """民國 114 年 9 月 1 日"""
    return roc.roc_long(value)


@register.filter
def roc_datetime(value):
    """114/09/01 13:05"""
    return roc.roc_datetime(value)


@register.filter
def masked_name(value):
    return masking.mask_name(value)
