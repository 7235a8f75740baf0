"""The peer of gleaner's crawl benchmarks: Scrapy crawls, trafilatura extracts every page.

Run by `examples/bench_crawl_sites.rs` (`peer-web`, `peer-endless`) with the limits gleaner
gets there: CONCURRENT_REQUESTS (64 or 16), one request in flight per host, no delay,
robots.txt obeyed, no depth limit, links followed within their host, CLOSESPIDER_PAGECOUNT
as the page budget. Every HTML response goes through `trafilatura.extract` (metadata on);
the extractions are written as JSON lines, Scrapy's stats as JSON at the end. By hand:

  scrapy runspider spider.py -a seeds=http://127.0.1.1:8091/,http://127.0.1.2:8091/ \
      -a out=articles.jsonl -a stats=stats.json -s CLOSESPIDER_PAGECOUNT=12000
"""

import datetime
import json
from urllib.parse import urlsplit

import scrapy
import trafilatura
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor


class PeerSpider(scrapy.Spider):
    name = "peer"
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "DEPTH_LIMIT": 0,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "gleaner-bench-peer (Scrapy + trafilatura)",
    }

    def __init__(self, seeds, out, stats, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = seeds.split(",")
        self.links = LinkExtractor()
        self.out = open(out, "w", encoding="utf-8")
        self.stats_path = stats

    def parse(self, response):
        if not isinstance(response, HtmlResponse):
            return
        extracted = trafilatura.extract(
            response.body, url=response.url, output_format="json", with_metadata=True
        )
        if extracted:
            self.out.write(json.dumps(json.loads(extracted), ensure_ascii=False) + "\n")
        host = urlsplit(response.url).netloc
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc == host:
                yield response.follow(link.url, callback=self.parse)

    def closed(self, reason):
        self.out.close()
        stats = {
            k: v.isoformat() if isinstance(v, (datetime.datetime, datetime.date)) else v
            for k, v in self.crawler.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        with open(self.stats_path, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=1, default=str)
