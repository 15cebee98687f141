-- title: full count
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT count(*) AS pings FROM pings
