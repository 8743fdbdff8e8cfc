"""The web pages: server-rendered HTML (Jinja2, autoescaped) over the same library calls
as the API, each page also answering as JSON; `charts` lays out the SVG drawings."""
