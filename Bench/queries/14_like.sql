-- title: LIKE filter on a string column
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT count(*) AS pings FROM pings WHERE version LIKE '%b%'
