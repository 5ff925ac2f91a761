"""The two baselines bench/run.py measures Calling against, in the same run.

Both are served by uvicorn with the same worker count, loop and HTTP implementation as
`calling serve` (h11, the loop uvicorn picks), with the access log off:

* `raw_asgi:app`: a bare ASGI app answering every request with a fixed small JSON body;
* `asyncpg_app:app` ("c"): a bare ASGI app that reads one row by primary key from the same
  database (`GET /people/{org_id}/{id}`: a person) through an asyncpg pool and returns it as
  JSON; the DSN comes from `BENCH_DSN`.
"""
