-- Documents, their elements, and the links between documents (cross-links and near-duplicates),
-- as `mx-docs extract` finds them.
CREATE TABLE documents (
  id text PRIMARY KEY,
  title text NOT NULL,
  description text,
  format text NOT NULL,
  lang text,
  words integer NOT NULL DEFAULT 0,
  reading_minutes integer NOT NULL DEFAULT 0,
  outline jsonb NOT NULL DEFAULT '[]',
  keywords text[] NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}',
  -- the body's words (element texts and keywords), set at ingest; the title and description are
  -- added by the generated column, so an edited title is searchable at once
  body_search tsvector NOT NULL DEFAULT ''::tsvector,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', coalesce(description, '')), 'B')
    || body_search
  ) STORED,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_search ON documents USING gin (search);
CREATE INDEX documents_lang ON documents (lang, id);
CREATE INDEX documents_format ON documents (format, id);

CREATE TABLE elements (
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  position integer NOT NULL,
  element_id text NOT NULL,
  type text NOT NULL,
  depth integer,
  text text NOT NULL,
  PRIMARY KEY (document_id, position)
);

CREATE TABLE links (
  from_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  to_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('link', 'duplicate')),
  href text,
  similarity real,
  PRIMARY KEY (from_id, to_id, kind)
);

CREATE INDEX links_to ON links (to_id);
