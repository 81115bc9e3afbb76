-- The map of Mali on one date (psql variable `as_of`), built from the CSV files of data/ for
-- the comparison of loadtest/run.sh --compare: regions, cercles and communes in force on that
-- date, each in the unit above it then, with foreign keys so PostGraphile serves the nested
-- lists (region -> cercles -> communes). Run from data/ (the \copy paths are relative):
--   psql -v ON_ERROR_STOP=1 -v as_of=2009-04-01 -f loadtest/postgraphile/schema.sql
-- The rules are data/README.md's: half-open periods, an empty start is "before the data
-- begins", a commune lies in its seed cercle (`parent`; `00` is Bamako District, which has no
-- cercles) until the first row of commune_moves.csv that has started.

\set ON_ERROR_STOP 1
set client_min_messages = warning;
begin;

create schema staging;
create table staging.regions (number text, name text, kind text, valid_from date, area_km2 int,
  census_1998 int, census_2009 int, estimate_2020 int, population_2023 int, code_2023_007 text,
  iso_3166_2 text, ocha_pcode text, aliases text, seed_name text);
create table staging.cercles (code text, name text, valid_from date, ocha_pcode text,
  census_1998 int, census_2009 int, aliases text, seed_name text, confidence text, note text);
create table staging.cercle_regions (cercle text, region text, "from" date, until date,
  confidence text, source text);
create table staging.communes (code text, name text, parent text, urban boolean, valid_from date,
  census_1998 int, census_2009 int, aliases text, seed_name text, note text);
create table staging.commune_moves (commune text, date date, cercle text, region text,
  confidence text, basis text);

\copy staging.regions from 'regions.csv' with (format csv, header true)
\copy staging.cercles from 'cercles.csv' with (format csv, header true)
\copy staging.cercle_regions from 'cercle_regions.csv' with (format csv, header true)
\copy staging.communes from 'communes.csv' with (format csv, header true)
\copy staging.commune_moves from 'commune_moves.csv' with (format csv, header true)

create table region (
  number text primary key,
  name text not null,
  kind text not null,
  census_1998 int,
  census_2009 int
);
create table cercle (
  code text primary key,
  name text not null,
  region_number text not null references region,
  census_1998 int,
  census_2009 int
);
create table commune (
  code text primary key,
  name text not null,
  -- null for a commune that lies directly in its region (Bamako's six).
  cercle_code text references cercle,
  region_number text not null references region,
  urban boolean not null,
  census_1998 int,
  census_2009 int
);
-- PostGraphile's nested lists filter by these foreign keys.
create index on cercle (region_number);
create index on commune (cercle_code);
create index on commune (region_number);

insert into region
select number, name, kind, census_1998, census_2009
from staging.regions
where valid_from is null or valid_from <= :'as_of';

insert into cercle
select c.code, c.name, p.region, c.census_1998, c.census_2009
from staging.cercles c
join staging.cercle_regions p on p.cercle = c.code
  and (p."from" is null or p."from" <= :'as_of')
  and (p.until is null or p.until > :'as_of')
where c.valid_from is null or c.valid_from <= :'as_of';

insert into commune
select m.code, m.name, m.cercle_code, coalesce(m.region, c.region_number), m.urban,
  m.census_1998, m.census_2009
from (
  select s.code, s.name, s.urban, s.census_1998, s.census_2009,
    case when moved.commune is not null then moved.cercle
         when s.parent = '00' then null
         else s.parent end as cercle_code,
    case when moved.commune is not null then moved.region
         when s.parent = '00' then '00' end as region
  from staging.communes s
  left join lateral (
    select mv.commune, nullif(mv.cercle, '') as cercle, mv.region
    from staging.commune_moves mv
    where mv.commune = s.code and mv.date <= :'as_of'
    order by mv.date desc
    limit 1
  ) moved on true
  where s.valid_from is null or s.valid_from <= :'as_of'
) m
left join cercle c on c.code = m.cercle_code;

drop schema staging cascade;
commit;

analyze;
select (select count(*) from region) as regions, (select count(*) from cercle) as cercles,
  (select count(*) from commune) as communes;
