"""Sign-off: binding each party's signature to one published version of the text (docs/signing.md)."""
