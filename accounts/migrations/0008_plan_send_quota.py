from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_member_connection_password"),
    ]

    operations = [
        migrations.AddField(
            model_name="connectionplan",
            name="send_quota_per_hour",
            field=models.PositiveIntegerField(default=200, verbose_name="recipients per hour"),
        ),
        migrations.AddField(
            model_name="connectionplan",
            name="send_quota_per_day",
            field=models.PositiveIntegerField(default=1000, verbose_name="recipients per day"),
        ),
    ]
