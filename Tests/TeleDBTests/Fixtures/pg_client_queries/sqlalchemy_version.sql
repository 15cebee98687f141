-- SQLAlchemy 2.1: server version
-- Captured from PostgreSQL 15's statement log.
select pg_catalog.version()
