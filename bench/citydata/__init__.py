"""The city-scale data set that `bench/city_data.py` (`make bench-data`) writes, one module a part:

- config: the scale (TARGETS), the seed, the time zone, the first year;
- vocabulary: the words and weights the rows are composed from;
- draws: seeded weighted choices;
- load: (re)creating the database, COPY, search tokens, sequences, statistics, the step timer;
- reference: the districts and categories drawn from (City), more 街镇, the purchaser units;
- organizations, demands, offerings, directory: each table group's rows;
- checks: search finds what the rows contain; the totals printed at the end.

The tables are filled in the order of `city_data.main()` from one seeded random generator: moving a
step changes every row after it.
"""
