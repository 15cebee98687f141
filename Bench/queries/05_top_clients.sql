-- title: GROUP BY client_id, top 10 by pings
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT client_id, count(*) AS pings, sum(active_ticks) AS active_ticks
FROM pings GROUP BY client_id ORDER BY pings DESC, client_id LIMIT 10
