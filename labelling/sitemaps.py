"""The sitemap of the public site (django.contrib.sitemaps): the site's own pages, then three
pages per active centre (results, action plan, reviews), in files of SITEMAP_PAGE_SIZE
addresses listed by a sitemap index. Verification pages are reached from the centres' pages,
not listed: a certificate's token is only ever shown with its certificate or its centre."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from centres.models import Centre

SITEMAP_PAGE_SIZE = 5_000
CENTRE_PAGES = ("public_centre", "centres_public:action_plan", "surveys:public_reviews")


class SitePages(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        names = ["home", "search", "surveys:open_data", "accessibility", "legal_notice"]
        return [*names, "personal_data"]

    def location(self, item):
        return reverse(item)


class CentrePages(Sitemap):
    """Each page of each active centre: one item per (centre code, page), in a stable order."""

    changefreq = "daily"
    priority = 0.6
    limit = SITEMAP_PAGE_SIZE

    def items(self):
        codes = (
            Centre.objects.filter(is_active=True, structure__is_active=True)
            .order_by("pk")
            .values_list("code", flat=True)
        )
        return _CentrePageList(codes)

    def location(self, item):
        code, name = item
        return reverse(name, kwargs={"code": code})


class _CentrePageList:
    """(code, page) pairs over a query of codes, sliced in the database (no list of 90,000)."""

    def __init__(self, codes):
        self.codes = codes

    def count(self) -> int:
        return self.codes.count() * len(CENTRE_PAGES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        per = len(CENTRE_PAGES)
        first, last = window.start // per, -(-window.stop // per)
        pairs = [(code, name) for code in self.codes[first:last] for name in CENTRE_PAGES]
        return pairs[window.start - first * per : window.stop - first * per]


SITEMAPS = {"pages": SitePages, "centres": CentrePages}
