"""Slips (TT 03/2025/TT-VPCP forms 01–07): PDF in Vietnamese with the QR code of `qr.py`.

- `forms.py` renders forms 01–06 from a dossier and the event each records; `tracking_book.py` renders
  Form 07 (PDF and Excel) per unit and sector.
- `services.py` issues and stores them (`DossierSlip`, unique per (event, form)); `slip_render` renders
  one again on demand.
- `consumer.py` is the outbox consumer: on the `dossier.*` events that call for a slip it schedules the
  Huey task of `tasks.py`, which issues them after the action has committed.
- `selectors.py` lists a dossier's slips.
"""
