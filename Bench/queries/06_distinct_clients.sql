-- title: count distinct clients
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT count(DISTINCT client_id) AS clients FROM pings
