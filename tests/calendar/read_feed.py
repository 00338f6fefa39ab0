"""Reads an Atom (or RSS) feed from stdin with Python's `feedparser` (a
parser independent of the Rust crate that writes our feeds) and prints it
as JSON: whether it parsed cleanly, the feed's title and links, and each
entry's id, title, link, author, times and content."""

import json
import sys

import feedparser

parsed = feedparser.parse(sys.stdin.read())
print(
    json.dumps(
        {
            "bozo": bool(parsed.bozo),
            "version": parsed.version,
            "title": parsed.feed.get("title"),
            "links": [
                {"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")}
                for l in parsed.feed.get("links", [])
            ],
            "entries": [
                {
                    "id": e.get("id"),
                    "title": e.get("title"),
                    "link": e.get("link"),
                    "author": e.get("author"),
                    "published": e.get("published"),
                    "updated": e.get("updated"),
                    "content": [c.get("value") for c in e.get("content", [])],
                }
                for e in parsed.entries
            ],
        }
    )
)
