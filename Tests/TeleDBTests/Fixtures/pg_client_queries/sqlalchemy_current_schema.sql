-- SQLAlchemy 2.1: default schema
-- Captured from PostgreSQL 15's statement log.
select current_schema()
