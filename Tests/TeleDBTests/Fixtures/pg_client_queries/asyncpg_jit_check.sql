-- asyncpg 0.32 before type introspection: turn off JIT
-- Captured from PostgreSQL 15's statement log.
SELECT
                        current_setting('jit') AS cur,
                        set_config('jit', 'off', false) AS new
