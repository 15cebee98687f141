-- title: three days of 28, zone maps prune
-- check: exact
-- engines: teledb duckdb chdb
SELECT count(*) AS pings, sum(uptime) AS uptime FROM pings
WHERE submission_date BETWEEN DATE '2024-03-10' AND DATE '2024-03-12'
-- engines: sqlite
-- SQLite stores the dates as ISO text, which compares in date order.
SELECT count(*) AS pings, sum(uptime) AS uptime FROM pings
WHERE submission_date BETWEEN '2024-03-10' AND '2024-03-12'
