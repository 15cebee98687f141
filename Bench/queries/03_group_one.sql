-- title: GROUP BY one low-cardinality dimension
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT os, count(*) AS pings, sum(uptime) AS uptime FROM pings GROUP BY os ORDER BY os
