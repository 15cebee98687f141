-- asyncpg 0.32 after type introspection: restore JIT
-- Captured from PostgreSQL 15's statement log.
-- parameters: 'on'
SELECT
                    set_config('jit', $1, false)
