"""The parts of `bench/city_load.py` (`make bench`), in the order a run uses them:

- pages: what is timed (PAGES, the two FLOORS, the MIX);
- cpu: the machine, the /proc accounting of gunicorn, PostgreSQL and the rest, parallel workers;
- server: gunicorn on the bench database, wrk, one timed run of a page (measure);
- inprocess: queries per page, the frame and the form rendered, the dashboards, the offer re-upload;
- scales: the same pages on databases of other sizes (the growth table);
- report: the Markdown table, issue 15's aims, the growth table.
"""
