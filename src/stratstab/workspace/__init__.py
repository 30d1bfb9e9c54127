"""What a workbench user makes besides dialogues: uploaded scenarios and datasets, jobs.

Everything here is stored in the database (nothing held only in memory), parsed and
validated once at upload, capped in size and counted against per-user quotas.
"""
