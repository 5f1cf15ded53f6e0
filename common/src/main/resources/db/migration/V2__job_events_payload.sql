-- Every change carries the whole status, so the api fans it out to its SSE subscribers without a query
-- per event, and every version reaches them in commit order. pg_notify payloads are limited to 8000
-- bytes: the error message is cut to 1000 characters here (the row keeps it whole).
create or replace function menu_job_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('menu_job_events', json_build_object(
        'id', new.id,
        'userId', new.user_id,
        'version', new.version,
        'status', new.status,
        'stage', new.stage,
        'progress', new.progress,
        'attempt', new.attempt,
        'createdAt', new.created_at,
        'startedAt', new.started_at,
        'finishedAt', new.finished_at,
        'nextAttemptAt', new.next_attempt_at,
        'menuId', new.menu_id,
        'errorCode', new.error_code,
        'errorMessage', left(new.error_message, 1000))::text);
    return null;
end $$;
