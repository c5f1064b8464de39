"""Signing moved from signatories into its own app (issue 19 part 4): state only, the tables keep their names."""

import django.db.models.deletion
import signing.models
from django.conf import settings
from django.db import migrations, models


# The content types of the moved models follow them, so that permissions and admin history stay
# attached. On a fresh database there are none yet (post_migrate creates them under signing).
MOVED = ['signature', 'signing', 'signingevent', 'signingparty', 'staletranslationconfirmation']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="signing", model=model).exists():
            ContentType.objects.filter(app_label="signatories", model=model).update(app_label="signing")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="signatories", model=model).exists():
            ContentType.objects.filter(app_label="signing", model=model).update(app_label="signatories")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('declarations', '0005_declaration_secretariat'),
        ('signatories', '0010_signing_moved_to_its_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Signing',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=16, verbose_name='status')),
                        ('undertaking', models.JSONField(default=dict, verbose_name='undertaking per language')),
                        ('deadline', models.DateTimeField(verbose_name='deadline')),
                        ('ordered', models.BooleanField(default=False, verbose_name='sign in order')),
                        ('opened_at', models.DateTimeField(verbose_name='opened at')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('declaration', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='signing', to='declarations.declaration')),
                        ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.declarationversion')),
                    ],
                    options={
                        'verbose_name': 'signing',
                        'verbose_name_plural': 'signings',
                        'db_table': 'signatories_signing',
                    },
                ),
                migrations.CreateModel(
                    name='Signature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_hash', models.CharField(max_length=64, verbose_name='content SHA-256')),
                        ('status', models.CharField(choices=[('signed', 'Signed'), ('declined', 'Declined'), ('revoked', 'Revoked'), ('superseded', 'Superseded'), ('absent', 'Did not take part'), ('adhered', 'Adhered')], max_length=16, verbose_name='status')),
                        ('method', models.CharField(choices=[('drawn', 'Drawn on screen'), ('uploaded', 'Uploaded image'), ('typed', 'Typed name'), ('paper', 'Signed on paper'), ('in_person', 'Signed in person'), ('declined', 'Declined'), ('absent', 'Did not take part')], max_length=16, verbose_name='method')),
                        ('printed_name', models.CharField(blank=True, max_length=200, verbose_name='printed name')),
                        ('printed_title', models.CharField(blank=True, max_length=200, verbose_name='printed title')),
                        ('capacity', models.CharField(blank=True, max_length=300, verbose_name='capacity')),
                        ('image', models.FileField(blank=True, upload_to=signing.models._signature_path, verbose_name='signature image')),
                        ('scan', models.FileField(blank=True, upload_to=signing.models._scan_path, verbose_name='scan of the paper signature')),
                        ('scan_sha256', models.CharField(blank=True, max_length=64)),
                        ('decline_reason', models.TextField(blank=True, verbose_name='reason')),
                        ('reason_public', models.BooleanField(default=False, verbose_name='other parties may read the reason')),
                        ('signed_at', models.DateTimeField(verbose_name='at (UTC)')),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('user_agent', models.CharField(blank=True, max_length=500)),
                        ('idempotency_key', models.UUIDField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('revoke_reason', models.TextField(blank=True)),
                        ('superseded_at', models.DateTimeField(blank=True, null=True)),
                        ('party', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='signatories.party')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('signer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('superseded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.declarationversion')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.declarationversion')),
                        ('signing', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='signing.signing')),
                    ],
                    options={
                        'verbose_name': 'signature',
                        'verbose_name_plural': 'signatures',
                        'db_table': 'signatories_signature',
                        'ordering': ['signing_id', 'signed_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SigningEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField()),
                        ('kind', models.CharField(choices=[('opened', 'Signing opened'), ('designated', 'Signatory designated'), ('signed', 'Signed'), ('declined', 'Declined'), ('revoked', 'Signature revoked'), ('superseded', 'Signature superseded'), ('recorded_offline', 'Signature on paper or in person recorded'), ('reopened', 'Signing reopened on a new version'), ('closed', 'Signing closed'), ('refusal_recorded', 'Refusal or non-participation recorded'), ('adherence_invited', 'Party invited to adhere'), ('adhered', 'Adhered'), ('adherence_recorded', 'Adherence on paper or in person recorded'), ('edition', 'New edition of the record')], max_length=32)),
                        ('at', models.DateTimeField()),
                        ('actor_name', models.CharField(blank=True, max_length=150)),
                        ('party_key', models.CharField(blank=True, max_length=64)),
                        ('version_number', models.PositiveIntegerField(blank=True, null=True)),
                        ('content_hash', models.CharField(blank=True, max_length=64)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('prev_hash', models.CharField(max_length=64)),
                        ('entry_hash', models.CharField(max_length=64)),
                        ('key_id', models.CharField(blank=True, max_length=16)),
                        ('legacy_hash', models.CharField(blank=True, max_length=64)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('declaration', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.declaration')),
                    ],
                    options={
                        'verbose_name': 'signing audit entry',
                        'verbose_name_plural': 'signing audit trail',
                        'db_table': 'signatories_signingevent',
                        'ordering': ['declaration_id', 'seq'],
                    },
                ),
                migrations.CreateModel(
                    name='SigningParty',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('printed_name', models.CharField(blank=True, max_length=200, verbose_name='name to print')),
                        ('printed_title', models.CharField(blank=True, max_length=200, verbose_name='title to print')),
                        ('capacity', models.CharField(blank=True, max_length=300, verbose_name='capacity')),
                        ('designated_at', models.DateTimeField(blank=True, null=True)),
                        ('last_reminded_at', models.DateTimeField(blank=True, null=True)),
                        ('adherence_invited_at', models.DateTimeField(blank=True, null=True, verbose_name='invited to adhere at')),
                        ('added_for_adherence', models.BooleanField(default=False, verbose_name='added to adhere after close')),
                        ('adherence_invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('designated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('party', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signings', to='signatories.party')),
                        ('signatory', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('signing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parties', to='signing.signing')),
                    ],
                    options={
                        'verbose_name': 'signing party',
                        'verbose_name_plural': 'signing parties',
                        'db_table': 'signatories_signingparty',
                        'ordering': ['signing_id', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='StaleTranslationConfirmation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('texts', models.JSONField(default=list, verbose_name='texts flagged out of date')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('confirmed_at', models.DateTimeField(verbose_name='confirmed at')),
                        ('confirmed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('signing', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stale_confirmations', to='signing.signing')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.declarationversion')),
                    ],
                    options={
                        'verbose_name': 'confirmation of out-of-date translations',
                        'verbose_name_plural': 'confirmations of out-of-date translations',
                        'db_table': 'signatories_staletranslationconfirmation',
                        'ordering': ['signing_id', 'confirmed_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='signing',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'closed'])), name='signing_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['signed', 'declined', 'absent'])), fields=('signing', 'party'), name='signature_one_live_per_party'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'adhered')), fields=('signing', 'party'), name='signature_one_adherence_per_party'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.UniqueConstraint(fields=('idempotency_key',), name='signature_unique_idempotency_key'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['signed', 'declined', 'revoked', 'superseded', 'absent', 'adhered'])), name='signature_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'adhered'), _negated=True), ('method__in', ['drawn', 'uploaded', 'typed', 'paper', 'in_person']), _connector='OR'), name='signature_adherence_is_signed'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(('method__in', ['drawn', 'uploaded', 'typed', 'paper', 'in_person', 'declined', 'absent'])), name='signature_method_valid'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('status', 'absent'), _negated=True), ('method', 'absent'), _connector='OR'), models.Q(models.Q(('method', 'absent'), _negated=True), ('status__in', ['absent', 'revoked', 'superseded']), _connector='OR')), name='signature_absent_is_its_own_method'),
                ),
                migrations.AddConstraint(
                    model_name='signature',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('method', 'declined'), _negated=True), models.Q(('status', 'signed'), _negated=True), _connector='OR'), name='signature_declined_is_not_signed'),
                ),
                migrations.AddConstraint(
                    model_name='signingevent',
                    constraint=models.UniqueConstraint(fields=('declaration', 'seq'), name='signingevent_unique_seq'),
                ),
                migrations.AddConstraint(
                    model_name='signingparty',
                    constraint=models.UniqueConstraint(fields=('signing', 'party'), name='signingparty_unique'),
                ),
                migrations.AddConstraint(
                    model_name='staletranslationconfirmation',
                    constraint=models.UniqueConstraint(fields=('signing', 'version'), name='staleconfirmation_one_per_version'),
                ),
                migrations.AddConstraint(
                    model_name='staletranslationconfirmation',
                    constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='staleconfirmation_has_reason'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
