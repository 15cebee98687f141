-- title: CDF of per-client uptime, all clients
-- check: cdf
-- telemetry: yes
-- engines: teledb
SELECT CDF(uptime, 100) AS cdf
FROM (SELECT client_id, sum(uptime) AS uptime FROM pings GROUP BY client_id) t
-- engines: duckdb
-- TeleDB's CDF(x, 100) reports the values at ranks ceil(k * n / 100) for k = 1 ... 100 and
-- the minimum, each with the fraction of values at or below it. Rank r is one of those
-- when (100 * r) / n > (100 * (r - 1)) / n in integer division.
WITH per_client AS (
    SELECT client_id, sum(uptime) AS uptime FROM pings GROUP BY client_id
), ranked AS (
    SELECT uptime, row_number() OVER (ORDER BY uptime) AS position,
           cume_dist() OVER (ORDER BY uptime) AS cumulative, count(*) OVER () AS n
    FROM per_client
)
SELECT DISTINCT uptime, cumulative FROM ranked
WHERE position = 1 OR (100 * position) // n > (100 * (position - 1)) // n
ORDER BY uptime
-- engines: sqlite
WITH per_client AS (
    SELECT client_id, sum(uptime) AS uptime FROM pings GROUP BY client_id
), ranked AS (
    SELECT uptime, row_number() OVER (ORDER BY uptime) AS position,
           cume_dist() OVER (ORDER BY uptime) AS cumulative, count(*) OVER () AS n
    FROM per_client
)
SELECT DISTINCT uptime, cumulative FROM ranked
WHERE position = 1 OR (100 * position) / n > (100 * (position - 1)) / n
ORDER BY uptime
-- engines: chdb
-- ClickHouse's default window frame ends at the last row equal to the current one, so
-- the running count over n is the fraction of values at or below it.
WITH per_client AS (
    SELECT client_id, sum(uptime) AS uptime FROM pings GROUP BY client_id
), ranked AS (
    SELECT uptime, row_number() OVER (ORDER BY uptime) AS position,
           count(*) OVER (ORDER BY uptime) / count(*) OVER () AS cumulative, count(*) OVER () AS n
    FROM per_client
)
SELECT DISTINCT uptime, cumulative FROM ranked
WHERE position = 1 OR intDiv(100 * position, n) > intDiv(100 * (position - 1), n)
ORDER BY uptime
