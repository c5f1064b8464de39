"""Audit entries become keyed (HMAC-SHA256, issue 18): existing intact chains are re-keyed.

A chain whose unkeyed SHA-256 links still hold is rewritten entry by entry with the configured key
(settings.ACCORD_AUDIT_KEY), keeping each old hash in `legacy_hash` (PDFs sealed before print it).
A chain that is already broken is left as it is: re-keying it would launder the tampering, and
`verify_audit` keeps reporting it (its entries are not keyed).
"""

from django.db import migrations, models


def rekey(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The hashing functions are imported, not copied: the canonical form is the one verify_audit uses.
    from signing.audit import GENESIS, audit_keys, entry_hash

    SigningEvent = apps.get_model("signatories", "SigningEvent")
    key_id, keys = audit_keys()
    declarations = SigningEvent.objects.values_list("declaration_id", flat=True).distinct()
    for declaration_id in list(declarations):
        events = list(SigningEvent.objects.filter(declaration_id=declaration_id).order_by("seq"))
        prev = GENESIS
        intact = True
        for expected_seq, event in enumerate(events, start=1):
            event.key_id = ""
            if (
                event.seq != expected_seq
                or event.prev_hash != prev
                or entry_hash(event, prev_hash=prev) != event.entry_hash
            ):
                intact = False
                break
            prev = event.entry_hash
        if not intact:
            continue
        prev = GENESIS
        for event in events:
            event.key_id = key_id
            new_hash = entry_hash(event, prev_hash=prev, key=keys[key_id])
            # QuerySet.update(): the model's save() refuses to change an entry, on purpose.
            SigningEvent.objects.filter(pk=event.pk).update(
                legacy_hash=event.entry_hash, prev_hash=prev, key_id=key_id, entry_hash=new_hash
            )
            prev = new_hash


class Migration(migrations.Migration):
    dependencies = [
        ("signatories", "0002_signing"),
    ]

    operations = [
        migrations.AddField(
            model_name="signingevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="signingevent",
            name="legacy_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
