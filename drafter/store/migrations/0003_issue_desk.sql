-- 0003: an issue is edited as a draft until it is published, and is numbered here.
-- issues gains a status ('draft' until published), a version for concurrent edits,
-- 编辑/审核, edited 目录提要 lines, the rendered files' hashes; year/number/total stay
-- NULL until publishing assigns them. SQLite cannot relax NOT NULL in place, so the
-- table is rebuilt (the migrator turns foreign keys off while migrating and checks
-- them before each commit, SQLite's documented procedure for a rebuild).

CREATE TABLE issues_0003 (
    id            INTEGER PRIMARY KEY,
    status        TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    version       INTEGER NOT NULL DEFAULT 1,
    year          INTEGER,
    number        INTEGER,
    total         INTEGER,
    issue_date    TEXT NOT NULL,
    editor        TEXT,
    reviewer      TEXT,
    toc_json      TEXT NOT NULL DEFAULT '{}',   -- edited 目录提要 lines by key
    issue_json    TEXT,                         -- the issue as published (frozen)
    files_json    TEXT NOT NULL DEFAULT '{}',   -- rendered file -> sha256
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    published_at  TEXT,
    UNIQUE (year, number),
    CHECK (status = 'draft' OR (year IS NOT NULL AND number IS NOT NULL AND total IS NOT NULL))
);

INSERT INTO issues_0003 (id, status, year, number, total, issue_date, issue_json,
                         created_at, updated_at, published_at)
SELECT id, 'published', year, number, total, issue_date, issue_json,
       created_at, created_at, created_at
FROM issues;

DROP TABLE issues;

ALTER TABLE issues_0003 RENAME TO issues;

-- A brief's place in an issue: its section ('lead' for a lead story) and position.
ALTER TABLE issue_briefs ADD COLUMN section TEXT;

-- Issue-level events (edits, publish, reopen) carry the issue.
ALTER TABLE events ADD COLUMN issue_id INTEGER REFERENCES issues (id);
CREATE INDEX events_issue ON events (issue_id);
