-- title: GC_MS merged by build_id, p95
-- check: histogram_p95
-- telemetry: yes
-- engines: teledb
SELECT build_id, histogram_count(HISTOGRAM(histogram)) AS samples, percentile(HISTOGRAM(histogram), 0.95) AS p95
FROM histogram_values WHERE metric = 'GC_MS' GROUP BY build_id ORDER BY build_id
-- engines: duckdb sqlite chdb
-- The peers have no histogram type: they sum bucket counts per build and bucket, then
-- return the lower bound of the first bucket whose cumulative count reaches 0.95 * n,
-- which is the bucket that TeleDB's percentile interpolates in.
WITH buckets AS (
    SELECT build_id, bucket, sum(count) AS samples
    FROM histograms WHERE metric = 'GC_MS' GROUP BY build_id, bucket
), running AS (
    SELECT build_id, bucket,
           sum(samples) OVER (PARTITION BY build_id ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,
           sum(samples) OVER (PARTITION BY build_id) AS total
    FROM buckets
)
SELECT build_id, total AS samples, min(bucket) AS p95_bucket
FROM running WHERE cumulative >= 0.95 * total
GROUP BY build_id, total ORDER BY build_id
