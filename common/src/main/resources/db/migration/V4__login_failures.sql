-- Failed logins per email, to throttle password guessing across all api pods.
create table login_failure (
    email     text not null,
    failed_at timestamptz not null default now()
);
create index login_failure_email on login_failure (email, failed_at desc);
