-- SQLAlchemy 2.1 with psycopg 3: look for hstore
-- Captured from PostgreSQL 15's statement log.
-- parameters: 'hstore'
SELECT
    typname AS name, oid, typarray AS array_oid,
    oid::regtype::text AS regtype, typdelim AS delimiter
FROM pg_type t
WHERE t.oid = to_regtype($1)
ORDER BY t.oid
