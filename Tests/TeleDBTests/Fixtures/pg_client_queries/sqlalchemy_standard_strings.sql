-- SQLAlchemy 2.1: string literal style
-- Captured from PostgreSQL 15's statement log.
show standard_conforming_strings
