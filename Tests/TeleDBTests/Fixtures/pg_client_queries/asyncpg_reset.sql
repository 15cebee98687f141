-- asyncpg 0.32 pool release: reset the connection
-- Captured from PostgreSQL 15's statement log.
SELECT pg_advisory_unlock_all();
CLOSE ALL;
UNLISTEN *;
RESET ALL
