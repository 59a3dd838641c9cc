-- 0002: issues built from the store and the briefs printed in them. A draft that has
-- been printed carries its issue, so "accepted and not yet published" is one query.

CREATE TABLE issues (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    issue_date  TEXT NOT NULL,
    issue_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (year, number)
);

CREATE TABLE issue_briefs (
    issue_id  INTEGER NOT NULL REFERENCES issues (id),
    draft_id  INTEGER NOT NULL REFERENCES drafts (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (issue_id, draft_id)
);

ALTER TABLE drafts ADD COLUMN published_issue_id INTEGER REFERENCES issues (id);

CREATE INDEX drafts_status ON drafts (status, published_issue_id);
