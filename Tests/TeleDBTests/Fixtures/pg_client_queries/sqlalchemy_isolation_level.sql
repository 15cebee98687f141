-- SQLAlchemy 2.1: isolation level
-- Captured from PostgreSQL 15's statement log.
show transaction isolation level
