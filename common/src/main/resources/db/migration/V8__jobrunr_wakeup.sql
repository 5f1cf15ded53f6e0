-- Workers start a new job within milliseconds instead of at JobRunr's next poll (DESIGN §7). Whenever a job
-- becomes ENQUEUED in JobRunr's table, by whoever (the api's enqueue, the reconciler, a retry whose wait is
-- over, a requeue from the dashboard), PostgreSQL notifies jobrunr_wakeup with the job's id when that
-- transaction commits: the workers never hear of a job they cannot see yet, and no process has to remember
-- to send it. JobRunr creates and owns jobrunr_jobs (it does not exist yet when Flyway runs on a fresh
-- database), so the trigger that calls this function is attached by the apps right after JobRunr has
-- created its tables (JobRunrStorage).
create function jobrunr_notify_enqueued() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or old.state is distinct from 'ENQUEUED' then
        perform pg_notify('jobrunr_wakeup', new.id);
    end if;
    return null;
end $$;
