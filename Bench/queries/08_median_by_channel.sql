-- title: median first paint by channel
-- check: float
-- telemetry: yes
-- engines: teledb
SELECT channel, percentile_cont(0.5) WITHIN GROUP (ORDER BY first_paint_ms) AS median FROM pings GROUP BY channel ORDER BY channel
-- engines: duckdb
SELECT channel, quantile_cont(first_paint_ms, 0.5) AS median FROM pings GROUP BY channel ORDER BY channel
-- engines: chdb
SELECT channel, quantileExactInclusive(0.5)(first_paint_ms) AS median FROM pings GROUP BY channel ORDER BY channel
-- engines: sqlite
-- SQLite 3.40 has no percentile function. The median is the mean of the values at
-- positions floor((n - 1) / 2) and ceil((n - 1) / 2) = floor(n / 2) of each sorted group.
WITH ranked AS (
    SELECT channel, first_paint_ms AS value,
           row_number() OVER (PARTITION BY channel ORDER BY first_paint_ms) - 1 AS position,
           count(*) OVER (PARTITION BY channel) AS n
    FROM pings
)
SELECT channel, avg(value) AS median FROM ranked
WHERE position = (n - 1) / 2 OR position = n / 2
GROUP BY channel ORDER BY channel
