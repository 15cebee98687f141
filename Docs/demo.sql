-- The demo script: the first questions an analyst puts to a fresh database of pings.
.timer on
.tables
SELECT count(*) AS pings, count(DISTINCT client_id) AS clients FROM pings;
SELECT channel, os, count(*) FROM pings GROUP BY ALL ORDER BY 3 DESC;
SELECT version, count(*) AS pings FROM pings GROUP BY version ORDER BY pings DESC LIMIT 5;
SELECT metric, count(*) AS histograms FROM histograms GROUP BY metric ORDER BY histograms DESC LIMIT 10;
SELECT p.channel, count(*) AS gc_histograms
FROM pings p JOIN histograms h ON h.document_id = p.document_id
WHERE h.metric = 'GC_MS'
GROUP BY p.channel ORDER BY gc_histograms DESC;
EXPLAIN SELECT channel, count(*) FROM pings WHERE os = 'Linux' GROUP BY channel;
