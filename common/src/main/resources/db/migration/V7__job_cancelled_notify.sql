-- A cancelled job stops within about a second wherever it runs: the worker running it LISTENs on
-- menu_job_cancelled and interrupts the job's thread. A trigger, so that every way a job gets cancelled
-- (the api's DELETE, the reconciler after a dashboard delete) tells the workers, even when JobRunr's own
-- delete of the job fails.
create function menu_job_notify_cancelled() returns trigger language plpgsql as $$
begin
    perform pg_notify('menu_job_cancelled', new.id::text);
    return null;
end $$;

create trigger menu_job_cancelled after update of status on menu_job
    for each row when (new.status = 'CANCELLED' and old.status <> 'CANCELLED')
    execute function menu_job_notify_cancelled();
