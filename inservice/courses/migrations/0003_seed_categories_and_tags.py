"""Seed the course 類別 and 屬性標籤 reference data; a system administrator extends it later."""

from django.db import migrations

CATEGORIES = [
    ("teaching", "教學專業"),
    ("curriculum", "課程發展"),
    ("special_education", "特殊教育"),
    ("counselling", "輔導知能"),
    ("information", "資訊教育"),
    ("gender_equality", "性別平等教育"),
    ("environment", "環境教育"),
    ("life_education", "生命教育"),
    ("human_rights", "人權教育"),
    ("early_childhood", "幼兒教育"),
    ("administration", "行政管理"),
    ("other", "其他"),
]

TAGS = [
    ("kg_professional", "幼兒園教保專業知能"),
    ("basic_life_support", "基本救命術訓練"),
    ("safety_education", "安全教育"),
    ("special_education_knowledge", "特殊教育知能"),
]


def seed(apps, schema_editor):
    CourseCategory = apps.get_model("courses", "CourseCategory")
    CourseTag = apps.get_model("courses", "CourseTag")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        CourseCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": position * 10})
    for position, (code, name) in enumerate(TAGS, start=1):
        CourseTag.objects.get_or_create(code=code, defaults={"name": name, "sort_order": position * 10})


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_enrolment_and_code_counter")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
