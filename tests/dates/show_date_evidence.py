#!/usr/bin/env python3
"""Shows the date evidence of trafilatura-dev pages, to speed up hand labelling of
`trafilatura_dev_labels.json`: the URL, date-like <meta> and JSON-LD values, <time> elements,
the lines around the first <h1>, and visible lines holding a date (`*` = near the <h1>).
It shows evidence only; each label is decided by reading the page.

    python3 tests/dates/show_date_evidence.py ID [ID ...]   # evidence per page
    python3 tests/dates/show_date_evidence.py ctx ID FROM TO # text lines FROM..TO of a page
    python3 tests/dates/show_date_evidence.py with ID ...    # where the annotated snippets are

The corpus is read from $GLEANER_CORPUS, else ../shared/corpus beside the repository; nothing
of it is written anywhere. Standard library only."""
import gzip, json, os, re, sys
from html.parser import HTMLParser

CORPUS = os.path.join(
    os.environ.get('GLEANER_CORPUS')
    or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'corpus'),
    'trafilatura-dev')
MONTHS = (r'jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec|janv|févr|fevr|avr|juil|août|déc|'
          r'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|'
          r'январ|феврал|март|апрел|мая|май|июн|июл|август|сентябр|октябр|ноябр|декабр|січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд|'
          r'stycz|lut|marc|kwie|maj|czerw|lip|sierp|wrze|paźdz|listop|grud|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre')
DATE = re.compile(r'(\b\d{1,2}[./-]\s?\d{1,2}[./-]\s?(?:19|20)?\d{2}\b|\b(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}\b|'
                  r'\b\d{1,2}\.?\s+(?:' + MONTHS + r')\w*\.?,?\s+(?:19|20)\d{2}|(?:' + MONTHS + r')\w*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}|'
                  r'\b(?:' + MONTHS + r')\w*\.?\s+(?:19|20)\d{2})', re.I)

class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0; self.lines = []; self.cur = []; self.h1 = None; self.tags = []
        self.times = []; self.classed = []; self.stack = []
    def flush(self):
        t = ' '.join(' '.join(self.cur).split())
        if t: self.lines.append(t)
        self.cur = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ('script', 'style', 'noscript', 'template'): self.skip += 1
        if tag in ('p','div','li','h1','h2','h3','h4','br','tr','td','section','article','header','footer','span','time','dd','dt','a') : self.flush()
        if tag == 'h1' and self.h1 is None: self.h1 = len(self.lines)
        if tag == 'time' or (a.get('itemprop') or '').lower() in ('datepublished','datemodified','datecreated'):
            self.times.append((tag, a.get('datetime') or a.get('content'), a.get('itemprop'), a.get('class'), 'pubdate' in a, len(self.lines)))
    def handle_endtag(self, tag):
        if tag in ('script', 'style', 'noscript', 'template'): self.skip = max(0, self.skip-1)
        if tag in ('p','div','li','h1','h2','h3','h4','tr','td','section','article','header','footer','span','time','dd','dt','a'): self.flush()
    def handle_data(self, d):
        if not self.skip: self.cur.append(d)

def show(pid, entry, maxlines):
    raw = gzip.open(f"{CORPUS}/{entry['file']}").read()
    m = re.search(rb'charset=["\']?([\w-]+)', raw[:3000])
    enc = m.group(1).decode() if m else 'utf-8'
    try: doc = raw.decode(enc, 'replace')
    except LookupError: doc = raw.decode('utf-8', 'replace')
    lang = re.search(r'<html[^>]*\blang=["\']?([\w-]+)', doc, re.I)
    print(f"=== {pid} [{lang.group(1) if lang else '?'}] {entry['url']}")
    out = []
    for mm in re.finditer(r'<meta\b[^>]*>', doc, re.I):
        t = mm.group(0)
        key = re.search(r'(?:property|name|itemprop|http-equiv)\s*=\s*["\']([^"\']+)', t, re.I)
        val = re.search(r'content\s*=\s*["\']([^"\']*)', t, re.I)
        if key and val and re.search(r'date|time|publish|modif|created|issued|updated', key.group(1), re.I):
            out.append(f"{key.group(1)}={val.group(1)[:40]}")
    for mm in re.finditer(r'"(datePublished|dateCreated|dateModified|uploadDate)"\s*:\s*"([^"]{0,40})"', doc):
        out.append(f"ld:{mm.group(1)}={mm.group(2)}")
    if out: print("  M: " + " | ".join(dict.fromkeys(out)))
    p = Text()
    try: p.feed(doc); p.flush()
    except Exception as e: print("  parse error", e)
    if p.times:
        print("  T: " + " | ".join(f"{t[0]}{'/'+t[2] if t[2] else ''}{'/pub' if t[4] else ''}@{t[5]}={t[1]}" for t in p.times[:6]) + (f" (+{len(p.times)-6})" if len(p.times) > 6 else ''))
    h1 = p.h1 if p.h1 is not None else 0
    h1t = p.lines[h1][:80] if h1 < len(p.lines) else ''
    print(f"  H1@{h1}: {h1t}")
    for i in range(max(0,h1-2), min(len(p.lines), h1+5)):
        print(f"  {i:5d}h {p.lines[i][:140]}")
    shown = 0
    for i, line in enumerate(p.lines):
        if DATE.search(line) and len(line) < 400:
            ctx = line if len(line) < 140 else '…'.join(line[max(0,m.start()-50):m.end()+50] for m in list(DATE.finditer(line))[:1])
            print(f"  {i:5d}{'*' if abs(i-h1)<=25 else ' '} {ctx}")
            shown += 1
            if shown >= maxlines: break
    print(f"  ({len(p.lines)} lines)")

def lines_of(pid, entry):
    raw = gzip.open(f"{CORPUS}/{entry['file']}").read()
    m = re.search(rb'charset=["\']?([\w-]+)', raw[:3000])
    enc = m.group(1).decode() if m else 'utf-8'
    try: doc = raw.decode(enc, 'replace')
    except LookupError: doc = raw.decode('utf-8', 'replace')
    p = Text(); p.feed(doc); p.flush(); return p.lines

def main():
    if not os.path.isfile(f"{CORPUS}/annotations.json"):
        sys.exit(f"corpus not found at {CORPUS}: set GLEANER_CORPUS=/path/to/corpus")
    ann = json.load(open(f"{CORPUS}/annotations.json"))
    ids = sys.argv[1:]
    if ids and ids[0] == 'ctx':
        lines = lines_of(ids[1], ann[ids[1]])
        a, b = int(ids[2]), int(ids[3])
        for i in range(a, min(b, len(lines))): print(f"{i:5d} {lines[i][:160]}")
        return
    if ids and ids[0] == 'with':
        for pid in ids[1:]:
            lines = lines_of(pid, ann[pid])
            for w in ann[pid]['with'][:3]:
                w = ' '.join(w.split())[:40]
                hit = [i for i, l in enumerate(lines) if w[:25] in l]
                print(pid, hit[:3], w)
        return
    maxlines = 8
    for pid in ids:
        show(pid, ann[pid], maxlines)

main()
