-- title: join pings to histograms
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT h.metric, p.locale, count(*) AS bucket_rows, sum(h.count) AS samples
FROM pings p JOIN histograms h ON h.document_id = p.document_id
WHERE p.tab_count >= 10
GROUP BY h.metric, p.locale ORDER BY h.metric, p.locale
