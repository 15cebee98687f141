-- SQLAlchemy 2.1 reflection: get_indexes, access methods
-- Captured from PostgreSQL 15's statement log (psycopg2 driver).
SELECT pg_catalog.pg_am.oid, pg_catalog.pg_am.amname 
FROM pg_catalog.pg_am 
WHERE pg_catalog.pg_am.amname = 'btree'
