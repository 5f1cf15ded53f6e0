-- Model menus are written day by day (issue 13): every day is stored as soon as it is validated, so that
-- clients see it long before the whole menu. A day belongs to the attempt that wrote it: a retried job
-- starts over and never mixes its days with an earlier attempt's.
alter table menu_job add column days_ready smallint not null default 0;
alter table menu_job add column days_total smallint generated always as ((request ->> 'days')::smallint) stored;
-- tokens the model calls of this job cost, whatever became of them (retries, repairs, catalog fallback)
alter table menu_job add column prompt_tokens integer not null default 0;
alter table menu_job add column completion_tokens integer not null default 0;

create table menu_job_day (
    job_id     uuid not null references menu_job (id) on delete cascade,
    attempt    integer not null,
    day        smallint not null,
    body       jsonb not null,          -- the Menu.Day: meals, totals, source, model
    created_at timestamptz not null default now(),
    primary key (job_id, day)
);

-- Tokens per user: the sum over the user's jobs.
create view model_usage_by_user as
    select user_id, sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
           count(*) filter (where prompt_tokens + completion_tokens > 0) as jobs_with_model_calls
    from menu_job group by user_id;

-- The notification also says how many days are ready (the days themselves can exceed pg_notify's 8000
-- bytes: the api reads them from menu_job_day when daysReady moves).
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
        'errorMessage', left(new.error_message, 1000),
        'daysReady', new.days_ready,
        'daysTotal', new.days_total)::text);
    return null;
end $$;
