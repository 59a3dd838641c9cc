-- 0001: reports, drafts, editor decisions, revisions and the append-only event log.
-- Plain SQL that PostgreSQL also accepts, except INTEGER PRIMARY KEY autoincrement
-- and the trigger syntax (a PostgreSQL port rewrites those two).

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    content_id   TEXT NOT NULL,             -- report_id_for(text): hash of the cleaned text
    org          TEXT,
    org_short    TEXT,
    kind         TEXT NOT NULL,
    title        TEXT,
    source_path  TEXT,
    encoding     TEXT,
    original     BLOB,                      -- the bytes exactly as submitted (file or stdin)
    text         TEXT NOT NULL,             -- cleaned text the drafting engine saw
    report_json  TEXT NOT NULL,             -- the full Report model
    created_at   TEXT NOT NULL
);
CREATE INDEX reports_content_id ON reports (content_id);

CREATE TABLE drafts (
    id                INTEGER PRIMARY KEY,
    report_id         INTEGER NOT NULL REFERENCES reports (id),
    status            TEXT NOT NULL CHECK (status IN
                        ('submitted', 'failed', 'drafted', 'revised', 'accepted', 'rejected')),
    version           INTEGER NOT NULL DEFAULT 1,   -- optimistic concurrency
    engine            TEXT,
    model             TEXT,
    prompt_id         TEXT,
    prompt_version    TEXT,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    brief_json        TEXT,                 -- the machine draft (NULL until drafted)
    draft_text        TEXT,                 -- its plain text: the edit-ratio baseline
    findings_json     TEXT NOT NULL DEFAULT '[]',
    error_count       INTEGER NOT NULL DEFAULT 0,
    warning_count     INTEGER NOT NULL DEFAULT 0,
    failure           TEXT,                 -- why drafting failed (status 'failed')
    edit_ratio        REAL,                 -- machine draft vs editor's final text
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX drafts_report ON drafts (report_id);

CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    draft_id       INTEGER NOT NULL REFERENCES drafts (id),
    number         INTEGER NOT NULL,
    brief_json     TEXT NOT NULL,
    text           TEXT NOT NULL,
    diff_json      TEXT NOT NULL,           -- sentence-level diff against the previous text
    findings_json  TEXT NOT NULL DEFAULT '[]',
    edit_ratio     REAL NOT NULL,           -- against the machine draft
    editor         TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (draft_id, number)
);

CREATE TABLE decisions (
    id             INTEGER PRIMARY KEY,
    draft_id       INTEGER NOT NULL REFERENCES drafts (id),
    decision       TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    reason         TEXT,
    draft_version  INTEGER NOT NULL,
    editor         TEXT,
    created_at     TEXT NOT NULL
);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER REFERENCES reports (id),
    draft_id     INTEGER REFERENCES drafts (id),
    kind         TEXT NOT NULL,
    detail_json  TEXT NOT NULL DEFAULT '{}',
    actor        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX events_draft ON events (draft_id);

-- The event log is append-only: history cannot be rewritten, even by mistake.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
