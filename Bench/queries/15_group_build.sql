-- title: GROUP BY build_id with an average
-- check: float
-- engines: teledb duckdb sqlite chdb
SELECT build_id, count(*) AS pings, avg(session_restored_ms) AS session_restored
FROM pings GROUP BY build_id ORDER BY build_id
