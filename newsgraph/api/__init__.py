"""The HTTP side of newsgraph: a JSON API under /api and the web pages, in one app.

`app.create_app(db)` builds it; `routes` holds the API, `jobs` the background
ingest, `documents` a document with its highlights, `limits` the security
headers and size limits, `stores` a store per thread. The pages live in
`newsgraph.web`. Both are thin: every answer comes from a library function.
"""
