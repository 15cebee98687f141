-- title: GROUP BY three low-cardinality dimensions
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT channel, os, locale, count(*) AS pings, sum(active_ticks) AS active_ticks
FROM pings GROUP BY channel, os, locale ORDER BY channel, os, locale
