"""Search the archive from the shell: one line per matching page (or record)."""

import json
import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from search.backends.base import SearchUnavailable, search_backend
from search.query import QueryError, SearchQuery
from search.selectors import search_records


def _plain(snippet: str) -> str:
    """Show <mark>ed matches as 【…】 in a terminal."""
    text = snippet.replace("<mark>", "【").replace("</mark>", "】")
    return re.sub(r"&(lt|gt|amp|quot|#x27);",
                  lambda m: {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "#x27": "'"}[m[1]],
                  text)


class Command(BaseCommand):
    help = "Search records and pages: prints record_id, archive_code, page, score, snippet."

    def add_arguments(self, parser):
        parser.add_argument("query", help="words, phrases in quotes, ID numbers or codes")
        parser.add_argument("--member", action="append", default=[], help="citizen ID number")
        parser.add_argument("--unit", action="append", default=[], help="unit code")
        parser.add_argument("--category", action="append", default=[])
        parser.add_argument("--stage", action="append", default=[])
        parser.add_argument("--retention", action="append", default=[])
        parser.add_argument("--fonds", action="append", default=[])
        parser.add_argument("--status", action="append", default=[])
        parser.add_argument("--year-from", type=int)
        parser.add_argument("--year-to", type=int)
        parser.add_argument("--sort", default="relevance", choices=["relevance", "date", "-date"])
        parser.add_argument("--limit", type=int, default=20, help="records to show (max 100)")
        parser.add_argument("--page", type=int, default=1,
                            help="page of --limit records (page × limit at most 1000)")
        parser.add_argument("--as-user", help="apply this user's access limits")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        params = dict(text=opts["query"], member=opts["member"], unit=opts["unit"],
                      category=opts["category"], stage=opts["stage"],
                      retention=opts["retention"], fonds=opts["fonds"], status=opts["status"],
                      year_from=opts["year_from"], year_to=opts["year_to"], sort=opts["sort"],
                      page=opts["page"], per_page=opts["limit"])
        try:
            if opts["as_user"]:
                user = get_user_model().objects.filter(username=opts["as_user"]).first()
                if user is None:
                    raise CommandError(f"no user named {opts['as_user']!r}")
                results = search_records(user=user, **params)
            else:
                results = search_backend().search(SearchQuery(**params))
        except QueryError as exc:
            option = {"per_page": "limit"}.get(exc.field, exc.field).replace("_", "-")
            raise CommandError(f"--{option}: {exc}") from exc
        except SearchUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(results.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"# {results.total} records")
        self.stdout.write("record_id\tarchive_code\tpage\tscore\tsnippet")
        for hit in results.hits:
            rows = hit.pages or [None]
            for page in rows:
                self.stdout.write("\t".join([
                    str(hit.record_id), hit.archive_code or "-",
                    str(page.number) if page else "-",
                    f"{(page.score if page else hit.score):.3f}",
                    _plain(page.snippet) if page else hit.title]))
