-- Users, menu jobs and menus (DESIGN §3). JobRunr creates its own jobrunr_* tables.

create table app_user (
    id            uuid primary key,
    email         text not null,
    password_hash text not null,
    display_name  text,
    created_at    timestamptz not null default now()
);
create unique index app_user_email_key on app_user (lower(email));

create table menu_job (
    id              uuid primary key,               -- also the JobRunr job id
    user_id         uuid not null references app_user (id) on delete cascade,
    idempotency_key text,
    request_hash    text not null,
    request         jsonb not null,
    status          text not null default 'QUEUED'
                    check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    stage           text not null default 'queued'
                    check (stage in ('queued', 'planning', 'calling-model', 'validating', 'saving', 'done')),
    progress        smallint not null default 0 check (progress between 0 and 100),
    attempt         integer not null default 0,
    error_code      text,
    error_message   text,
    menu_id         uuid,
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    next_attempt_at timestamptz,
    updated_at      timestamptz not null default now(),
    version         bigint not null default 1,
    constraint menu_job_idempotency_key unique (user_id, idempotency_key)
);
create index menu_job_user_created on menu_job (user_id, created_at desc, id desc);
create index menu_job_user_active on menu_job (user_id) where status in ('QUEUED', 'RUNNING');
create index menu_job_queued on menu_job (created_at) where status = 'QUEUED';

create table menu (
    id                uuid primary key,
    job_id            uuid not null references menu_job (id) on delete cascade,
    user_id           uuid not null references app_user (id) on delete cascade,
    source            text not null check (source in ('catalog', 'llm')),
    model             text,
    body              jsonb not null,
    prompt_tokens     integer,
    completion_tokens integer,
    created_at        timestamptz not null default now(),
    -- a job that runs twice stores one menu
    constraint menu_job_id_key unique (job_id)
);
create index menu_user_created on menu (user_id, created_at desc, id desc);

alter table menu_job add constraint menu_job_menu_fk foreign key (menu_id) references menu (id) on delete set null;

-- Every real change moves the version (the ETag and SSE event id) and updated_at.
create function menu_job_touch() returns trigger language plpgsql as $$
begin
    new.version := old.version + 1;
    new.updated_at := now();
    return new;
end $$;

create trigger menu_job_touch
    before update on menu_job
    for each row when (old.* is distinct from new.*)
    execute function menu_job_touch();

-- Every insert and change reaches subscribers, whichever process made it. Payload: "<id>:<version>".
create function menu_job_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('menu_job_events', new.id::text || ':' || new.version::text);
    return null;
end $$;

create trigger menu_job_notify_insert
    after insert on menu_job
    for each row
    execute function menu_job_notify();

create trigger menu_job_notify_update
    after update on menu_job
    for each row when (old.* is distinct from new.*)
    execute function menu_job_notify();
