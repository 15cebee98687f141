-- SQLAlchemy 2.1 reflection: get_schema_names
-- Captured from PostgreSQL 15's statement log (psycopg2 driver).
SELECT pg_catalog.pg_namespace.nspname 
FROM pg_catalog.pg_namespace 
WHERE (pg_catalog.pg_namespace.nspname NOT LIKE 'pg/_' || '%' ESCAPE '/') ORDER BY pg_catalog.pg_namespace.nspname
