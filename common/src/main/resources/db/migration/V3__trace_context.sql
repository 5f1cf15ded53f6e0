-- The W3C trace context of the request that created the job, so that the worker's span (and the model
-- call) continue the same trace, and an operator can go from a job to its trace.
alter table menu_job add column traceparent text;
alter table menu_job add column trace_id text generated always as (split_part(traceparent, '-', 2)) stored;
