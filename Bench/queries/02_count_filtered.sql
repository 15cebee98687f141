-- title: count with a filter on one dimension
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT count(*) AS pings FROM pings WHERE channel = 'beta'
