import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_handbookexport"),
    ]

    operations = [
        migrations.AddField(
            model_name=model_name,
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"
            ),
            preserve_default=False,
        )
        for model_name in ("cohort", "participant", "session")
    ]
