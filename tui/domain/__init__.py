"""What an edit means, UI-free. Imports tui.api only, never textual.

- ``sections``: every profile section described once (``SECTIONS``, ``section(key)``)
- ``paths``: field paths as tuples, get/set/delete on raw JSON
- ``edits``: ``Edit`` / ``EditSet``, ``edits_from(base, edited)``, ``apply(edits, fresh)``
- ``diff``: ``diff(base, edited, section)`` -> ``DiffLine`` list, ``summary(section, lines)``
- ``merge``: three-way ``merge(base, fresh, edited)``, ``resolve(result, choices)``
- ``masking``: screen masking, x-pii discovery (``pii_paths``), ``redact_for_log``
- ``editor_doc``: a section for the $EDITOR file (masked values as placeholders) and back
- ``audit``: ``AuditLog`` (JSON lines, values masked, never tokens)
- ``editing``: ``SectionEditor`` (load, validate, prepare, commit with merge and audit)
- ``bulk`` (with ``bulk_ops``, ``bulk_rules``, ``bulk_plan``): a bulk change, its checks, its
  per-user replay and inverse, planning over a ProfileBackend
- ``jobs``: the SQLite job journal; ``runner``: the apply loop (resume, retry, undo);
  ``rate_gate``: one 429 gate for every worker
- ``columns``, ``export``: spreadsheet columns and cells, export; ``csv_read``, ``csv_import``,
  ``user_keys``: a CSV of per-row values into per-user changes (users found in batches);
  ``plan_file``, ``plan_results``: plan files with their digest, results rows, the dry run;
  ``spreadsheets``: what the app's screens call
"""
