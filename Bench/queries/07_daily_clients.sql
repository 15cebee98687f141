-- title: distinct clients per day
-- check: exact
-- engines: teledb duckdb sqlite chdb
SELECT submission_date, count(DISTINCT client_id) AS clients FROM pings GROUP BY submission_date ORDER BY submission_date
