-- SQLAlchemy 2.1 with psycopg2: look for hstore
-- Captured from PostgreSQL 15's statement log.
SELECT t.oid, typarray
FROM pg_type t JOIN pg_namespace ns
    ON typnamespace = ns.oid
WHERE typname = 'hstore'
