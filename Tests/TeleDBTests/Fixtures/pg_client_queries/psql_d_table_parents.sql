-- psql 15 \d pings: parent tables
-- Captured from PostgreSQL 15's statement log.
SELECT c.oid::pg_catalog.regclass
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhparent AND i.inhrelid = '{{oid:pings}}'
  AND c.relkind != 'p' AND c.relkind != 'I'
ORDER BY inhseqno
