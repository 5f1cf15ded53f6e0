-- Login failures and registrations counted per client address (issue 14): one counter row per key and window,
-- updated with one atomic INSERT ... ON CONFLICT, instead of V4's row per failure read before the insert.
drop table login_failure;

-- failures of one email from one client address since window_start
create table login_failure (
    email        text not null,
    address      text not null,
    failures     int  not null,
    window_start timestamptz not null,
    primary key (email, address)
);
create index login_failure_window on login_failure (window_start);

-- failures of one client address across all emails since window_start
create table login_failure_address (
    address      text primary key,
    failures     int  not null,
    window_start timestamptz not null
);
create index login_failure_address_window on login_failure_address (window_start);

-- registrations from one client address since window_start
create table registration_count (
    address       text primary key,
    registrations int  not null,
    window_start  timestamptz not null
);
create index registration_count_window on registration_count (window_start);
