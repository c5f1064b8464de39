"""Remove the demo's "Secretariat back office" group and its global rights (decision 53, issue 18).

Through it, the demo's secretariat could change users and memberships in the Django admin: read any
declaration, make itself a party's reviewer, set other users' passwords, make itself a superuser.
The admin is for superusers now, and no secretariat holds a global permission.
"""

from django.db import migrations

GROUP_NAME = "Secretariat back office"


def remove_group(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("declarations", "0003_version_one_final"),
    ]

    operations = [migrations.RunPython(remove_group, migrations.RunPython.noop)]
