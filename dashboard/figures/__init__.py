"""The figures of the statistics dashboard and of the public 数据概览, by theme:

- `tables`: the result types (`Params`, `Table`, `Col`, `Dashboard`) and the number formats;
- `definitions`: what each figure counts, as the pages and the exports' 说明 sheet say it;
- `demand_tables`: every table over demands, from four grouped queries (`demand_cube`);
- `supply_tables`: the offers, the directory's members and 供需对比;
- `pages`: one page's tables and headline (`build`).

`dashboard.selectors` re-exports the public names for the views and the other apps.
"""
